// name: detect/coordination_evidence
// answers: which pairs of shares of the same object, within the time window, tie two accounts?
// params: a: string, b: string, time_window: int
// mode: read
// The pairs CooRTweet counts in an edge's weight: same object, times at most time_window seconds
// apart (inclusive), two different posts, and neither post being the shared object itself.
MATCH (a:Account {key: $a})-[sa:SHARED]->(o)<-[sb:SHARED]-(b:Account {key: $b})
WITH o, sa, sb, sb.at.epochMillis - sa.at.epochMillis AS delta_ms,
     CASE WHEN o:Post THEN substring(o.key, size(split(o.key, ':')[0]) + 1) ELSE o.key END
       AS object_id
WHERE abs(delta_ms) <= $time_window * 1000
  AND sa.content_id <> sb.content_id
  AND object_id <> sa.content_id AND object_id <> sb.content_id
RETURN o.key AS object, sa.content_id AS a_content_id, sa.at AS a_at,
       sb.content_id AS b_content_id, sb.at AS b_at, abs(delta_ms) / 1000.0 AS delta
ORDER BY CASE WHEN a_at < b_at THEN a_at ELSE b_at END, object, a_content_id, b_content_id
