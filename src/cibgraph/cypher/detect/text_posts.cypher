// name: detect/text_posts
// answers: which posts have a text and a time and are not reposts (the text signals' input)?
// params: none
// mode: read
// One row per account, its posts as parallel lists. A repost is a Post flagged `is_retweet`
// (Twitter archives) or one its author also shared `via: 'retweet'` (the event loaders).
MATCH (a:Account)-[:POSTED]->(p:Post)
WHERE p.text IS NOT NULL AND p.at IS NOT NULL AND coalesce(p.is_retweet, false) = false
  AND NOT EXISTS {
    MATCH (a)-[s:SHARED]->(:Post)
    WHERE s.via = 'retweet' AND s.content_id = p.platform_id
  }
RETURN a.key AS account,
       collect(p.key) AS posts,
       collect(p.text) AS texts,
       collect(p.at.epochMillis) AS at_ms
