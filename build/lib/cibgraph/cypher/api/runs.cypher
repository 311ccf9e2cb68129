// name: api/runs
// answers: which detection runs are there (of this kind, or any when null), newest first, one page?
// params: kind: string, skip: int, limit: int
// mode: read
OPTIONAL MATCH (r:DetectionRun)
WHERE $kind IS NULL OR r.kind = $kind
WITH r ORDER BY r.started_at DESC, r.key
WITH collect(properties(r)) AS found
RETURN size(found) AS total, found[$skip..$skip + $limit] AS runs
