// name: detect/near_duplicate_of
// answers: writes one batch of a near-duplicate run's evidence: pairs of posts with near-copies of a text
// params: rows: list, run: string
// mode: write
// Each row: earlier, later (Post keys), delta (seconds), similarity (Jaccard of shingles). Keyed by run.
UNWIND $rows AS row
MATCH (p:Post {key: row.earlier})
MATCH (q:Post {key: row.later})
MERGE (p)-[e:NEAR_DUPLICATE_OF {run: $run}]->(q)
SET e.delta = row.delta, e.similarity = row.similarity
