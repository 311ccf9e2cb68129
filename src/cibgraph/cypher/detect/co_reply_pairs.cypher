// name: detect/co_reply_pairs
// answers: which pairs of replies to one post tie these two accounts, within the run's window?
// params: a: string, b: string, run: string
// mode: read
// The evidence listing of one CO_REPLY_WITH edge, read from the share events with the time
// window the run recorded; reposts are left out as the detection leaves them out.
MATCH (run:DetectionRun {key: $run})
MATCH (x:Account {key: $a})-[s:SHARED]->(t:Post)<-[u:SHARED]-(y:Account {key: $b})
WHERE s.via = 'reply' AND u.via = 'reply'
  AND abs(s.at.epochMillis - u.at.epochMillis) <= run.time_window * 1000
  AND NOT EXISTS {
    MATCH (x)-[r:SHARED]->(:Post) WHERE r.via = 'retweet' AND r.content_id = s.content_id
  }
  AND NOT EXISTS {
    MATCH (y)-[r:SHARED]->(:Post) WHERE r.via = 'retweet' AND r.content_id = u.content_id
  }
OPTIONAL MATCH (x)-[:POSTED]->(pa:Post {platform_id: s.content_id})
OPTIONAL MATCH (y)-[:POSTED]->(pb:Post {platform_id: u.content_id})
WITH t, s, u, pa, pb, CASE WHEN s.at <= u.at THEN s.at ELSE u.at END AS earlier_at
RETURN earlier_at,
       coalesce(pa.key, s.content_id) AS a_post, s.at AS a_at, pa.text AS a_text,
       coalesce(pb.key, u.content_id) AS b_post, u.at AS b_at, pb.text AS b_text,
       t.key AS object, abs(s.at.epochMillis - u.at.epochMillis) / 1000.0 AS delta,
       null AS similarity
ORDER BY earlier_at, a_post, b_post
