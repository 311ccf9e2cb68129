// name: detect/fusion_office_hours_edges
// answers: which operator-hours edges did this run write, with their offsets and shares?
// params: run: string
// mode: read
MATCH (run:DetectionRun {key: $run})
MATCH (a:Account)-[r:OFFICE_HOURS_WITH {run: $run}]->(b:Account)
RETURN a.key AS a, b.key AS b, r.weight AS weight, r.similarity AS similarity,
       r.offset AS offset, r.a_share AS a_share, r.b_share AS b_share, r.a_posts AS a_posts,
       r.b_posts AS b_posts, run.office_start AS office_start
