// name: detect/co_mention_pairs
// answers: which pairs of mentions of one account tie these two accounts, within the run's window?
// params: a: string, b: string, run: string
// mode: read
// The evidence listing of one CO_MENTION_WITH edge, read from the share events with the time
// window the run recorded; an account mentioning itself is left out.
MATCH (run:DetectionRun {key: $run})
MATCH (x:Account {key: $a})-[s:SHARED]->(t:Account)<-[u:SHARED]-(y:Account {key: $b})
WHERE t <> x AND t <> y
  AND abs(s.at.epochMillis - u.at.epochMillis) <= run.time_window * 1000
OPTIONAL MATCH (x)-[:POSTED]->(pa:Post {platform_id: s.content_id})
OPTIONAL MATCH (y)-[:POSTED]->(pb:Post {platform_id: u.content_id})
WITH t, s, u, pa, pb, CASE WHEN s.at <= u.at THEN s.at ELSE u.at END AS earlier_at
RETURN earlier_at,
       coalesce(pa.key, s.content_id) AS a_post, s.at AS a_at, pa.text AS a_text,
       coalesce(pb.key, u.content_id) AS b_post, u.at AS b_at, pb.text AS b_text,
       t.key AS object, abs(s.at.epochMillis - u.at.epochMillis) / 1000.0 AS delta,
       null AS similarity
ORDER BY earlier_at, a_post, b_post
