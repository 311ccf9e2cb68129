// name: load/bundle_pages
// answers: writes bundle pages: one Page per row, with the fields the row gives
// params: rows: list, source: string, now: datetime
// mode: write
// Each row: key, platform, platform_id, name, description, created_at, followers (null when not
// given: a missing value never erases one that another source gave).
// Times arrive as ISO strings (the driver packs strings much faster than datetimes).
UNWIND $rows AS raw
WITH raw {.*, created_at: datetime(raw.created_at)} AS row
MERGE (p:Page {key: row.key})
  ON CREATE SET p.first_loaded_at = $now
SET p.platform = row.platform, p.platform_id = row.platform_id,
    p.name = coalesce(row.name, p.name),
    p.description = coalesce(row.description, p.description),
    p.created_at = coalesce(row.created_at, p.created_at),
    p.followers = coalesce(row.followers, p.followers),
    p.last_loaded_at = $now,
    p.sources = CASE WHEN $source IN coalesce(p.sources, []) THEN p.sources
                     ELSE coalesce(p.sources, []) + $source END
