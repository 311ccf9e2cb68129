// name: detect/latest_run
// answers: which is the most recent complete detection run of this kind?
// params: kind: string
// mode: read
MATCH (r:DetectionRun {kind: $kind})
WHERE r.status = 'complete'
RETURN r.key AS run, r.started_at AS started_at
ORDER BY r.started_at DESC, r.key DESC
LIMIT 1
