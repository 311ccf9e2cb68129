// name: detect/office_hours_with
// answers: writes one batch of a run's operator-hours edges (smaller account key first)
// params: rows: list, run: string
// mode: write
UNWIND $rows AS row
MATCH (a:Account {key: row.a})
MATCH (b:Account {key: row.b})
MERGE (a)-[r:OFFICE_HOURS_WITH {run: $run}]->(b)
SET r.weight = row.weight, r.similarity = row.similarity, r.offset = row.offset,
    r.a_share = row.a_share, r.b_share = row.b_share, r.a_posts = row.a_posts,
    r.b_posts = row.b_posts
