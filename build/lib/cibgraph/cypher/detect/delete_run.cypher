// name: detect/delete_run
// answers: removes one detection run and every relationship it wrote (e.g. a benchmark's run)
// params: run: string
// mode: write
MATCH (r:DetectionRun {key: $run})
OPTIONAL MATCH ()-[c:COORDINATED_WITH {run: $run}]->()
WITH r, collect(c) AS edges
FOREACH (c IN edges | DELETE c)
DELETE r
RETURN size(edges) AS deleted
