// name: detect/fusion_control_edges
// answers: which co-administration edges between accounts did this run write?
// params: run: string
// mode: read
MATCH (a:Account)-[r:CO_ADMIN_WITH {run: $run}]->(b:Account)
RETURN a.key AS a, b.key AS b, r.weight AS weight, r.evidence AS evidence
