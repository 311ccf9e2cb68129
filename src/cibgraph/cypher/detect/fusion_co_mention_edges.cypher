// name: detect/fusion_co_mention_edges
// answers: which co-mention edges did this run write, with their weights and p-values?
// params: run: string
// mode: read
MATCH (a:Account)-[r:CO_MENTION_WITH {run: $run}]->(b:Account)
RETURN a.key AS a, b.key AS b, r.weight AS weight, r.pairs AS pairs,
       r.avg_delta AS avg_delta, r.p_value AS p_value
