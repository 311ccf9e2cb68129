// name: detect/near_duplicate_with
// answers: writes one batch of a run's near-duplicate edges (smaller account key first)
// params: rows: list, run: string
// mode: write
// Keyed by run: writing a batch again updates its edges instead of duplicating them.
UNWIND $rows AS row
MATCH (a:Account {key: row.a})
MATCH (b:Account {key: row.b})
MERGE (a)-[r:NEAR_DUPLICATE_WITH {run: $run}]->(b)
SET r.weight = row.weight,
    r.pairs = row.pairs,
    r.a_posts = row.a_posts,
    r.b_posts = row.b_posts,
    r.avg_delta = row.avg_delta,
    r.p_value = row.p_value,
    r.z = row.z,
    r.max_similarity = row.max_similarity
