// name: load/bundle_groups
// answers: writes bundle groups: one Group per row, with the fields the row gives
// params: rows: list, source: string, now: datetime
// mode: write
// Each row: key, platform, platform_id, name, description, created_at, members (null when not
// given: a missing value never erases one that another source gave).
// Times arrive as ISO strings (the driver packs strings much faster than datetimes).
UNWIND $rows AS raw
WITH raw {.*, created_at: datetime(raw.created_at)} AS row
MERGE (g:Group {key: row.key})
  ON CREATE SET g.first_loaded_at = $now
SET g.platform = row.platform, g.platform_id = row.platform_id,
    g.name = coalesce(row.name, g.name),
    g.description = coalesce(row.description, g.description),
    g.created_at = coalesce(row.created_at, g.created_at),
    g.members = coalesce(row.members, g.members),
    g.last_loaded_at = $now,
    g.sources = CASE WHEN $source IN coalesce(g.sources, []) THEN g.sources
                     ELSE coalesce(g.sources, []) + $source END
