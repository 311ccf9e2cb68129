// name: api/run_request
// answers: records a detection run requested through the API, before it starts
// params: run: string, kind: string, params: map, author: string, at: datetime
// mode: write
// The detection's own run_start MERGEs on the same key and then leaves these properties as they are.
CREATE (r:DetectionRun {key: $run, kind: $kind, status: 'queued', requested_by: $author,
                        requested_at: $at, started_at: $at})
SET r += $params
RETURN properties(r) AS props
