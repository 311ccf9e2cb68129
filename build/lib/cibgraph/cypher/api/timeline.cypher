// name: api/timeline
// answers: how many of these entities were created, and how many share events touch them, per hour, day or week?
// params: refs: list, from: datetime, to: datetime, unit: string
// mode: read
// $unit is 'hour', 'day' or 'week' (from the API's enum); weeks start on Monday. Buckets with
// neither a creation nor a share are left out. A share event counts once even when both its
// account and its object are among the entities.
UNWIND $refs AS ref
MATCH (n:Account|Page|Group|IP|Subnet|Url|Domain|Hashtag|Post|Media|Campaign|DetectionRun|Network|Case|Note {key: ref.key})
WHERE ref.label IN labels(n)
WITH collect(DISTINCT n) AS ns
CALL (ns) {
  UNWIND ns AS n
  WITH n WHERE n.created_at >= $from AND n.created_at < $to
  RETURN datetime.truncate($unit, n.created_at) AS bucket, 1 AS creation, 0 AS share
  UNION ALL
  UNWIND ns AS n
  MATCH (n)-[s:SHARED]-()
  WHERE s.at >= $from AND s.at < $to
  WITH DISTINCT s
  RETURN datetime.truncate($unit, s.at) AS bucket, 0 AS creation, 1 AS share
}
RETURN bucket, sum(creation) AS creations, sum(share) AS shares
ORDER BY bucket
