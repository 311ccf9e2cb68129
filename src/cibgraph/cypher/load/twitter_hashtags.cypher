// name: load/twitter_hashtags
// answers: writes the hashtags each tweet used, as SHARED edges to Hashtag nodes
// params: rows: list, source: string, now: datetime
// mode: write
// Each row: account_key, content_id (the tweet id), at_ms, hashtags (lower case, no '#').
UNWIND $rows AS row
UNWIND row.hashtags AS tag
MATCH (a:Account {key: row.account_key})
MERGE (h:Hashtag {key: tag})
  ON CREATE SET h.first_loaded_at = $now
SET h.last_loaded_at = $now,
    h.sources = CASE WHEN $source IN coalesce(h.sources, []) THEN h.sources
                     ELSE coalesce(h.sources, []) + $source END
MERGE (a)-[s:SHARED {content_id: row.content_id, at: datetime({epochMillis: row.at_ms})}]->(h)
  ON CREATE SET s.first_loaded_at = $now
SET s.last_loaded_at = $now,
    s.sources = CASE WHEN $source IN coalesce(s.sources, []) THEN s.sources
                     ELSE coalesce(s.sources, []) + $source END
