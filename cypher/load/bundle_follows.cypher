// name: load/bundle_follows
// answers: writes bundle follows: the follower, the followed account or page, one FOLLOWS
// params: rows: list, source: string, now: datetime
// mode: write
// Each row: platform, follower_key, follower_id, follower_hashed, target_type ('account' or
// 'page'), target_key, target_id, target_hashed (null for a page). Each target label is merged
// in its own branch so every MERGE uses its constraint index.
UNWIND $rows AS row
MERGE (a:Account {key: row.follower_key})
  ON CREATE SET a.platform = row.platform, a.platform_id = row.follower_id,
                a.hashed = row.follower_hashed, a.first_loaded_at = $now
SET a.last_loaded_at = $now,
    a.sources = CASE WHEN $source IN coalesce(a.sources, []) THEN a.sources
                     ELSE coalesce(a.sources, []) + $source END
WITH a, row
CALL (row) {
  WITH row WHERE row.target_type = 'account'
  MERGE (t:Account {key: row.target_key})
    ON CREATE SET t.platform = row.platform, t.platform_id = row.target_id,
                  t.hashed = row.target_hashed
  RETURN t
  UNION
  WITH row WHERE row.target_type = 'page'
  MERGE (t:Page {key: row.target_key})
    ON CREATE SET t.platform = row.platform, t.platform_id = row.target_id
  RETURN t
}
SET t.first_loaded_at = coalesce(t.first_loaded_at, $now), t.last_loaded_at = $now,
    t.sources = CASE WHEN $source IN coalesce(t.sources, []) THEN t.sources
                     ELSE coalesce(t.sources, []) + $source END
MERGE (a)-[f:FOLLOWS]->(t)
  ON CREATE SET f.first_loaded_at = $now
SET f.last_loaded_at = $now,
    f.sources = CASE WHEN $source IN coalesce(f.sources, []) THEN f.sources
                     ELSE coalesce(f.sources, []) + $source END
