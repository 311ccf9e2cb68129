// name: load/twitter_tweets
// answers: writes each tweet as a Post POSTED by its author, with the client it was sent from
// params: rows: list, source: string, now: datetime
// mode: write
// counts: rows
// Each row: post_key, account_key, at_ms (epoch ms), client, props (the Post's properties).
// A Post whose own tweet row is read for the first time (it has no `at` yet: new, or known only
// as a retweeted original) gets `count_pending`; load/twitter_interactions, in the same
// transaction, counts that tweet's retweets, replies and mentions once and removes the mark.
UNWIND $rows AS row
MERGE (a:Account {key: row.account_key})
SET a.client = coalesce(row.client, a.client)
MERGE (p:Post {key: row.post_key})
  ON CREATE SET p.first_loaded_at = $now
SET p.count_pending = CASE WHEN p.at IS NULL THEN true ELSE p.count_pending END
SET p += row.props,
    p.at = datetime({epochMillis: row.at_ms}),
    p.last_loaded_at = $now,
    p.sources = CASE WHEN $source IN coalesce(p.sources, []) THEN p.sources
                     ELSE coalesce(p.sources, []) + $source END
MERGE (a)-[r:POSTED]->(p)
  ON CREATE SET r.first_loaded_at = $now
SET r.at = datetime({epochMillis: row.at_ms}),
    r.last_loaded_at = $now,
    r.sources = CASE WHEN $source IN coalesce(r.sources, []) THEN r.sources
                     ELSE coalesce(r.sources, []) + $source END
RETURN count(*) AS rows
