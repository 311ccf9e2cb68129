// name: detect/fusion_near_duplicate_edges
// answers: which near-duplicate edges did this run write, with their weights and p-values?
// params: run: string
// mode: read
MATCH (a:Account)-[r:NEAR_DUPLICATE_WITH {run: $run}]->(b:Account)
RETURN a.key AS a, b.key AS b, r.weight AS weight, r.pairs AS pairs,
       r.avg_delta AS avg_delta, r.p_value AS p_value, r.max_similarity AS max_similarity
