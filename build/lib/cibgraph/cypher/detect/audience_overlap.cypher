// name: detect/audience_overlap
// answers: writes one batch of a run's follower-overlap edges between pages (smaller key first)
// params: rows: list, run: string
// mode: write
UNWIND $rows AS row
MATCH (a:Page {key: row.a})
MATCH (b:Page {key: row.b})
MERGE (a)-[r:AUDIENCE_OVERLAP {run: $run}]->(b)
SET r.jaccard = row.jaccard, r.common = row.common
