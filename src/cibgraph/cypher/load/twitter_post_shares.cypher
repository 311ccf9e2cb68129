// name: load/twitter_post_shares
// answers: writes the posts each tweet replies to or quotes, as SHARED edges (via reply / quote)
// params: rows: list, source: string, now: datetime
// mode: write
// counts: rows
// Each row: account_key, content_id (the tweet id), at_ms, posts (list of {post_key,
// platform_id, via}); the loader sends only tweets that reply or quote. The target Post may be
// a tweet of the file or known only by its id. Returns how many rows found their author.
UNWIND $rows AS row
MATCH (a:Account {key: row.account_key})
CALL (a, row) {
  UNWIND row.posts AS t
  MERGE (p:Post {key: t.post_key})
    ON CREATE SET p.platform = 'twitter', p.platform_id = t.platform_id, p.first_loaded_at = $now
  SET p.last_loaded_at = $now,
      p.sources = CASE WHEN $source IN coalesce(p.sources, []) THEN p.sources
                       ELSE coalesce(p.sources, []) + $source END
  MERGE (a)-[s:SHARED {content_id: row.content_id, at: datetime({epochMillis: row.at_ms})}]->(p)
    ON CREATE SET s.first_loaded_at = $now
  SET s.last_loaded_at = $now, s.via = t.via,
      s.sources = CASE WHEN $source IN coalesce(s.sources, []) THEN s.sources
                       ELSE coalesce(s.sources, []) + $source END
}
RETURN count(*) AS rows
