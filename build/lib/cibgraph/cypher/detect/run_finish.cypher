// name: detect/run_finish
// answers: closes a detection run with its counts, once everything it found is written
// params: run: string, counts: map, finished_at: datetime
// mode: write
MATCH (r:DetectionRun {key: $run})
SET r += $counts, r.finished_at = $finished_at, r.status = 'complete'
RETURN r.key AS run
