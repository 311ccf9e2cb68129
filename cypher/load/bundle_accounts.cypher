// name: load/bundle_accounts
// answers: writes bundle accounts: one Account per row, with the profile fields the row gives
// params: rows: list, source: string, now: datetime
// mode: write
// Each row: key, platform, platform_id, hashed, handle, name, description, location,
// profile_url, created_at, followers, following, language, client (null when not given: a
// missing value never erases one that another source gave).
// Times arrive as ISO strings (the driver packs strings much faster than datetimes).
UNWIND $rows AS raw
WITH raw {.*, created_at: datetime(raw.created_at)} AS row
MERGE (a:Account {key: row.key})
  ON CREATE SET a.first_loaded_at = $now
SET a.platform = row.platform, a.platform_id = row.platform_id, a.hashed = row.hashed,
    a.handle = coalesce(row.handle, a.handle),
    a.name = coalesce(row.name, a.name),
    a.description = coalesce(row.description, a.description),
    a.location = coalesce(row.location, a.location),
    a.profile_url = coalesce(row.profile_url, a.profile_url),
    a.created_at = coalesce(row.created_at, a.created_at),
    a.followers = coalesce(row.followers, a.followers),
    a.following = coalesce(row.following, a.following),
    a.language = coalesce(row.language, a.language),
    a.client = coalesce(row.client, a.client),
    a.last_loaded_at = $now,
    a.sources = CASE WHEN $source IN coalesce(a.sources, []) THEN a.sources
                     ELSE coalesce(a.sources, []) + $source END
