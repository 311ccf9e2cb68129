// name: load/share_accounts
// answers: writes the accounts seen in a batch of share events (one row per distinct account)
// params: rows: list, source: string, now: datetime
// mode: write
UNWIND $rows AS row
MERGE (a:Account {key: row.key})
  ON CREATE SET a.platform = row.platform, a.platform_id = row.platform_id,
                a.hashed = row.hashed, a.first_loaded_at = $now
SET a.last_loaded_at = $now,
    a.sources = CASE WHEN $source IN coalesce(a.sources, []) THEN a.sources
                     ELSE coalesce(a.sources, []) + $source END
