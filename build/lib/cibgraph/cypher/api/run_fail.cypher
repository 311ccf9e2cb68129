// name: api/run_fail
// answers: marks a detection run as failed, with a short reason
// params: run: string, reason: string, at: datetime
// mode: write
MATCH (r:DetectionRun {key: $run})
SET r.status = 'failed', r.error = $reason, r.finished_at = $at
RETURN r.key AS run
