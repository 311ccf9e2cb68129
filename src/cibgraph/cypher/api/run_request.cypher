// name: api/run_request
// answers: records who requested a detection run through the API, and when
// params: run: string, author: string, at: datetime
// mode: write
// Written once the detection has made its run (the detections choose their own run keys).
MATCH (r:DetectionRun {key: $run})
SET r.requested_by = $author, r.requested_at = $at
RETURN properties(r) AS props
