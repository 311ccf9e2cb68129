// name: load/twitter_hashtags
// answers: writes the hashtags each tweet used, as SHARED edges to Hashtag nodes
// params: rows: list, source: string, now: datetime
// mode: write
// counts: rows
// Each row: account_key, content_id (the tweet id), at_ms, hashtags (lower case, no '#'); the
// loader sends only tweets with hashtags. Returns how many rows found their author.
UNWIND $rows AS row
MATCH (a:Account {key: row.account_key})
CALL (a, row) {
  UNWIND row.hashtags AS tag
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
}
RETURN count(*) AS rows
