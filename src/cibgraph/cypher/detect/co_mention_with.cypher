// name: detect/co_mention_with
// answers: writes one batch of a run's co-mention edges (smaller account key first)
// params: rows: list, run: string
// mode: write
// Keyed by run: writing a batch again updates its edges instead of duplicating them.
UNWIND $rows AS row
MATCH (a:Account {key: row.a})
MATCH (b:Account {key: row.b})
MERGE (a)-[r:CO_MENTION_WITH {run: $run}]->(b)
SET r.weight = row.weight,
    r.pairs = row.pairs,
    r.a_posts = row.a_posts,
    r.b_posts = row.b_posts,
    r.avg_delta = row.avg_delta,
    r.p_value = row.p_value,
    r.z = row.z
