// name: detect/activity_times
// answers: when was each account active (its distinct posts and share events), for accounts with enough activity?
// params: min_posts: int
// mode: read
// One row per account: the times (epoch ms) of its posts (POSTED) and of the content ids it
// shared with (SHARED), each content id once at its earliest time, so that a post the share
// loaders and a text loader both read counts once.
MATCH (a:Account)
CALL (a) {
  MATCH (a)-[:POSTED]->(p:Post)
  WHERE p.at IS NOT NULL
  RETURN coalesce(p.platform_id, p.key) AS content, p.at.epochMillis AS at
  UNION
  MATCH (a)-[s:SHARED]->()
  WHERE s.at IS NOT NULL AND s.content_id IS NOT NULL
  RETURN s.content_id AS content, s.at.epochMillis AS at
}
WITH a, content, min(at) AS at
WITH a, collect(at) AS at_ms
WHERE size(at_ms) >= $min_posts
RETURN a.key AS account, at_ms
ORDER BY account
