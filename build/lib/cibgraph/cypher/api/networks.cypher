// name: api/networks
// answers: which networks did a fusion run find (the latest complete one when $run is null), filtered, ordered and paged?
// params: run: string, min_score: float, min_size: int, signal: string, order: string, skip: int, limit: int
// mode: read
// $order is one of RANK, SCORE, SIZE (chosen by the API from an enum). `total` counts every
// network that passes the filter, before paging.
WITH coalesce($run, head(COLLECT {
  MATCH (r:DetectionRun {kind: 'networks', status: 'complete'})
  WITH r ORDER BY r.started_at DESC
  RETURN r.key
})) AS run
OPTIONAL MATCH (n:Network)
WHERE n.run = run
  AND ($min_score IS NULL OR n.score >= $min_score)
  AND ($min_size IS NULL OR n.size >= $min_size)
  AND ($signal IS NULL OR $signal IN n.signals)
WITH n
ORDER BY CASE $order WHEN 'SCORE' THEN -n.score WHEN 'SIZE' THEN -n.size ELSE n.rank END, n.key
WITH collect(properties(n)) AS found
RETURN size(found) AS total, found[$skip..$skip + $limit] AS networks
