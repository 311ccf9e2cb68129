// name: detect/fusion_cohort_edges
// answers: which creation-cohort edges did this run write, with their weights?
// params: run: string
// mode: read
MATCH (a:Account)-[r:COHORT_WITH {run: $run}]->(b:Account)
RETURN a.key AS a, b.key AS b, r.weight AS weight, r.burst AS burst, r.burst_size AS burst_size,
       r.created_gap AS created_gap, r.same_shape AS same_shape, r.same_client AS same_client,
       r.shape AS shape
