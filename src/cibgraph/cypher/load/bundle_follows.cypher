// name: load/bundle_follows
// answers: writes bundle follows: one FOLLOWS edge per row, between nodes load/endpoints wrote
// params: rows: list, source: string, now: datetime
// labels: target: Account|Page
// mode: write
// counts: rows
// Each row: follower_key, target_key. The target's label is bound per batch (accounts and
// pages are sent apart), so every MATCH uses its constraint index. Returns how many rows
// found their two nodes.
UNWIND $rows AS row
MATCH (a:Account {key: row.follower_key})
MATCH (t:__target__ {key: row.target_key})
MERGE (a)-[f:FOLLOWS]->(t)
  ON CREATE SET f.first_loaded_at = $now
SET f.last_loaded_at = $now,
    f.sources = CASE WHEN $source IN coalesce(f.sources, []) THEN f.sources
                     ELSE coalesce(f.sources, []) + $source END
RETURN count(*) AS rows
