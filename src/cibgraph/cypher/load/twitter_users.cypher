// name: load/twitter_users
// answers: writes Twitter IO accounts (users file rows, tweet authors) attributed to their campaign
// params: rows: list, source: string, now: datetime
// mode: write
// counts: rows
// Each row: key, campaign, created_at_ms (epoch ms or null), props (platform, platform_id,
// hashed, handle, name, description, location, profile_url, followers, following, language).
// Missing values are left out of props, so a later file never erases what an earlier one told.
UNWIND $rows AS row
WITH row.campaign AS label, collect(row) AS batch
MERGE (c:Campaign {key: label})
  ON CREATE SET c.name = label, c.first_loaded_at = $now
SET c.last_loaded_at = $now,
    c.sources = CASE WHEN $source IN coalesce(c.sources, []) THEN c.sources
                     ELSE coalesce(c.sources, []) + $source END
WITH c, batch
UNWIND batch AS row
MERGE (a:Account {key: row.key})
  ON CREATE SET a.first_loaded_at = $now
SET a += row.props,
    a.created_at = CASE WHEN row.created_at_ms IS NULL THEN a.created_at
                        ELSE datetime({epochMillis: row.created_at_ms}) END,
    a.last_loaded_at = $now,
    a.sources = CASE WHEN $source IN coalesce(a.sources, []) THEN a.sources
                     ELSE coalesce(a.sources, []) + $source END
MERGE (a)-[r:ATTRIBUTED_TO]->(c)
  ON CREATE SET r.first_loaded_at = $now
SET r.last_loaded_at = $now,
    r.sources = CASE WHEN $source IN coalesce(r.sources, []) THEN r.sources
                     ELSE coalesce(r.sources, []) + $source END
RETURN count(*) AS rows
