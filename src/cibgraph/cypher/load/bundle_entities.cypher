// name: load/bundle_entities
// answers: writes bundle accounts, pages or groups: one node per row, with the fields it gives
// params: rows: list, source: string, now: datetime
// labels: entity: Account|Page|Group
// mode: write
// counts: rows
// Each row: key, created_at_ms (epoch ms or null) and props, the row's other fields that have
// a value (platform, platform_id, hashed, handle, name, followers ...): a missing value never
// erases one another source gave. Times arrive as epoch ms, as in every load query.
UNWIND $rows AS row
MERGE (e:__entity__ {key: row.key})
  ON CREATE SET e.first_loaded_at = $now
SET e += row.props,
    e.created_at = coalesce(CASE WHEN row.created_at_ms IS NULL THEN null ELSE datetime({epochMillis: row.created_at_ms}) END,
                           e.created_at),
    e.last_loaded_at = $now,
    e.sources = CASE WHEN $source IN coalesce(e.sources, []) THEN e.sources
                     ELSE coalesce(e.sources, []) + $source END
RETURN count(*) AS rows
