// name: load/twitter_interactions
// answers: counts each new tweet once in its author's RETWEETED, REPLIED_TO and MENTIONED edges
// params: rows: list, source: string, now: datetime
// mode: write
// counts: rows
// Each row: post_key, account_key, retweeted, replied_to, mentioned (lists of
// {key, platform_id, hashed}); the loader sends one row per tweet id. Only Posts marked
// `count_pending` by load/twitter_tweets in this same transaction are counted, and the mark is
// removed: a reload, or a rerun after an interruption, adds nothing. Returns how many rows
// found their Post and author.
UNWIND $rows AS row
MATCH (p:Post {key: row.post_key})
MATCH (a:Account {key: row.account_key})
CALL (p, a, row) {
  WITH p, a, row
  WHERE p.count_pending = true
  REMOVE p.count_pending
  WITH a, row
  CALL (a, row) {
    UNWIND row.retweeted AS t
    MERGE (b:Account {key: t.key})
      ON CREATE SET b.platform = 'twitter', b.platform_id = t.platform_id, b.hashed = t.hashed,
                    b.first_loaded_at = $now
    SET b.last_loaded_at = $now,
        b.sources = CASE WHEN $source IN coalesce(b.sources, []) THEN b.sources
                         ELSE coalesce(b.sources, []) + $source END
    MERGE (a)-[r:RETWEETED]->(b)
      ON CREATE SET r.count = 0, r.first_loaded_at = $now
    SET r.count = r.count + 1,
        r.last_loaded_at = $now,
        r.sources = CASE WHEN $source IN coalesce(r.sources, []) THEN r.sources
                         ELSE coalesce(r.sources, []) + $source END
  }
  CALL (a, row) {
    UNWIND row.replied_to AS t
    MERGE (b:Account {key: t.key})
      ON CREATE SET b.platform = 'twitter', b.platform_id = t.platform_id, b.hashed = t.hashed,
                    b.first_loaded_at = $now
    SET b.last_loaded_at = $now,
        b.sources = CASE WHEN $source IN coalesce(b.sources, []) THEN b.sources
                         ELSE coalesce(b.sources, []) + $source END
    MERGE (a)-[r:REPLIED_TO]->(b)
      ON CREATE SET r.count = 0, r.first_loaded_at = $now
    SET r.count = r.count + 1,
        r.last_loaded_at = $now,
        r.sources = CASE WHEN $source IN coalesce(r.sources, []) THEN r.sources
                         ELSE coalesce(r.sources, []) + $source END
  }
  CALL (a, row) {
    UNWIND row.mentioned AS t
    MERGE (b:Account {key: t.key})
      ON CREATE SET b.platform = 'twitter', b.platform_id = t.platform_id, b.hashed = t.hashed,
                    b.first_loaded_at = $now
    SET b.last_loaded_at = $now,
        b.sources = CASE WHEN $source IN coalesce(b.sources, []) THEN b.sources
                         ELSE coalesce(b.sources, []) + $source END
    MERGE (a)-[r:MENTIONED]->(b)
      ON CREATE SET r.count = 0, r.first_loaded_at = $now
    SET r.count = r.count + 1,
        r.last_loaded_at = $now,
        r.sources = CASE WHEN $source IN coalesce(r.sources, []) THEN r.sources
                         ELSE coalesce(r.sources, []) + $source END
  }
}
RETURN count(*) AS rows
