// name: detect/repurposed_with
// answers: writes one batch of a run's links between accounts repurposed in the same weeks
// params: rows: list, run: string
// mode: write
UNWIND $rows AS row
MATCH (a:Account {key: row.a})
MATCH (b:Account {key: row.b})
MERGE (a)-[r:REPURPOSED_WITH {run: $run}]->(b)
SET r.weight = row.weight, r.common = row.common, r.days_apart = row.days_apart,
    r.a_at = datetime({epochMillis: row.a_at}), r.b_at = datetime({epochMillis: row.b_at})
