// name: load/twitter_retweets
// answers: writes retweets as SHARED edges (via retweet) to the retweeted Post, POSTED by its author
// params: rows: list, source: string, now: datetime
// mode: write
// counts: rows
// Each row: account_key, content_id (the retweet's id), at_ms, retweets (one
// {post_key, platform_id, author: {key, platform_id, hashed} or null}); the loader sends only
// retweets. Returns how many rows found their author.
UNWIND $rows AS row
MATCH (a:Account {key: row.account_key})
CALL (a, row) {
  UNWIND row.retweets AS rt
  MERGE (p:Post {key: rt.post_key})
    ON CREATE SET p.platform = 'twitter', p.platform_id = rt.platform_id, p.first_loaded_at = $now
  SET p.last_loaded_at = $now,
      p.sources = CASE WHEN $source IN coalesce(p.sources, []) THEN p.sources
                       ELSE coalesce(p.sources, []) + $source END
  MERGE (a)-[s:SHARED {content_id: row.content_id, at: datetime({epochMillis: row.at_ms})}]->(p)
    ON CREATE SET s.first_loaded_at = $now
  SET s.last_loaded_at = $now, s.via = 'retweet',
      s.sources = CASE WHEN $source IN coalesce(s.sources, []) THEN s.sources
                       ELSE coalesce(s.sources, []) + $source END
  WITH p, rt
  WHERE rt.author IS NOT NULL
  MERGE (o:Account {key: rt.author.key})
    ON CREATE SET o.platform = 'twitter', o.platform_id = rt.author.platform_id,
                  o.hashed = rt.author.hashed, o.first_loaded_at = $now
  SET o.last_loaded_at = $now,
      o.sources = CASE WHEN $source IN coalesce(o.sources, []) THEN o.sources
                       ELSE coalesce(o.sources, []) + $source END
  MERGE (o)-[r:POSTED]->(p)
    ON CREATE SET r.first_loaded_at = $now
  SET r.last_loaded_at = $now,
      r.sources = CASE WHEN $source IN coalesce(r.sources, []) THEN r.sources
                       ELSE coalesce(r.sources, []) + $source END
}
RETURN count(*) AS rows
