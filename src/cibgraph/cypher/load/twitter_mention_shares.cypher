// name: load/twitter_mention_shares
// answers: writes the accounts each tweet mentions, as SHARED edges to those Accounts
// params: rows: list, source: string, now: datetime
// mode: write
// counts: rows
// Each row: account_key, content_id (the tweet id), at_ms, mention_shares (list of {key,
// platform_id, hashed}); the loader sends only tweets that are not retweets and mention someone.
// The mention counts (MENTIONED) are load/twitter_interactions'. Returns how many rows found
// their author.
UNWIND $rows AS row
MATCH (a:Account {key: row.account_key})
CALL (a, row) {
  UNWIND row.mention_shares AS t
  MERGE (b:Account {key: t.key})
    ON CREATE SET b.platform = 'twitter', b.platform_id = t.platform_id, b.hashed = t.hashed,
                  b.first_loaded_at = $now
  SET b.last_loaded_at = $now,
      b.sources = CASE WHEN $source IN coalesce(b.sources, []) THEN b.sources
                       ELSE coalesce(b.sources, []) + $source END
  MERGE (a)-[s:SHARED {content_id: row.content_id, at: datetime({epochMillis: row.at_ms})}]->(b)
    ON CREATE SET s.first_loaded_at = $now
  SET s.last_loaded_at = $now,
      s.sources = CASE WHEN $source IN coalesce(s.sources, []) THEN s.sources
                       ELSE coalesce(s.sources, []) + $source END
}
RETURN count(*) AS rows
