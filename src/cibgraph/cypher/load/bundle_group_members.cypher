// name: load/bundle_group_members
// answers: writes bundle group members: the account, the group and one MEMBER_OF between them
// params: rows: list, source: string, now: datetime
// mode: write
// counts: rows
// Each row: platform, account_key, account_id, hashed, group_key, group_id, joined_at_ms (or null).
// MEMBER_OF keeps the earliest joined_at any load gave.
// Times arrive as epoch ms, as in every load query.
UNWIND $rows AS raw
WITH raw {.*, joined_at: CASE WHEN raw.joined_at_ms IS NULL THEN null ELSE datetime({epochMillis: raw.joined_at_ms}) END} AS row
MERGE (a:Account {key: row.account_key})
  ON CREATE SET a.platform = row.platform, a.platform_id = row.account_id, a.hashed = row.hashed,
                a.first_loaded_at = $now
SET a.last_loaded_at = $now,
    a.sources = CASE WHEN $source IN coalesce(a.sources, []) THEN a.sources
                     ELSE coalesce(a.sources, []) + $source END
MERGE (g:Group {key: row.group_key})
  ON CREATE SET g.platform = row.platform, g.platform_id = row.group_id, g.first_loaded_at = $now
SET g.last_loaded_at = $now,
    g.sources = CASE WHEN $source IN coalesce(g.sources, []) THEN g.sources
                     ELSE coalesce(g.sources, []) + $source END
MERGE (a)-[m:MEMBER_OF]->(g)
  ON CREATE SET m.first_loaded_at = $now
SET m.joined_at = CASE WHEN m.joined_at IS NULL OR row.joined_at < m.joined_at
                       THEN row.joined_at ELSE m.joined_at END,
    m.last_loaded_at = $now,
    m.sources = CASE WHEN $source IN coalesce(m.sources, []) THEN m.sources
                     ELSE coalesce(m.sources, []) + $source END
RETURN count(*) AS rows
