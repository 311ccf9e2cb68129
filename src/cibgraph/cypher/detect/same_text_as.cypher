// name: detect/same_text_as
// answers: writes one batch of a copy-paste run's evidence: pairs of posts with the same text
// params: rows: list, run: string
// mode: write
// Each row: earlier, later (Post keys), delta (seconds), similarity (1.0). Keyed by run.
UNWIND $rows AS row
MATCH (p:Post {key: row.earlier})
MATCH (q:Post {key: row.later})
MERGE (p)-[e:SAME_TEXT_AS {run: $run}]->(q)
SET e.delta = row.delta, e.similarity = row.similarity
