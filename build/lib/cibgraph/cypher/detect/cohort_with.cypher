// name: detect/cohort_with
// answers: writes one batch of a run's creation-cohort edges (earlier-created account first)
// params: rows: list, run: string
// mode: write
UNWIND $rows AS row
MATCH (a:Account {key: row.a})
MATCH (b:Account {key: row.b})
MERGE (a)-[r:COHORT_WITH {run: $run}]->(b)
SET r.weight = row.weight, r.burst = row.burst, r.burst_size = row.burst_size,
    r.created_gap = row.created_gap, r.same_shape = row.same_shape,
    r.same_client = row.same_client, r.shape = row.shape
