// name: load/bundle_entities
// answers: writes bundle accounts, pages or groups: one node per row, with the fields it gives
// params: rows: list, source: string, now: datetime
// labels: entity: Account|Page|Group
// mode: write
// Each row: key, created_at (an ISO string or null) and props, the row's other fields that have
// a value (platform, platform_id, hashed, handle, name, followers ...): a missing value never
// erases one another source gave. Times arrive as ISO strings (the driver packs strings much
// faster than datetimes).
UNWIND $rows AS row
MERGE (e:__entity__ {key: row.key})
  ON CREATE SET e.first_loaded_at = $now
SET e += row.props,
    e.created_at = coalesce(datetime(row.created_at), e.created_at),
    e.last_loaded_at = $now,
    e.sources = CASE WHEN $source IN coalesce(e.sources, []) THEN e.sources
                     ELSE coalesce(e.sources, []) + $source END
