// name: load/bundle_group_admins
// answers: writes bundle group admins: the account, the group and one ADMIN_OF {role} between them
// params: rows: list, source: string, now: datetime
// mode: write
// counts: rows
// Each row: platform, account_key, account_id, hashed, group_key, group_id, role. Endpoints are
// merged by key, so the file loads without accounts or groups files; an account has one
// ADMIN_OF per group, whose role is the one last loaded.
UNWIND $rows AS row
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
MERGE (a)-[r:ADMIN_OF]->(g)
  ON CREATE SET r.first_loaded_at = $now
SET r.role = row.role,
    r.last_loaded_at = $now,
    r.sources = CASE WHEN $source IN coalesce(r.sources, []) THEN r.sources
                     ELSE coalesce(r.sources, []) + $source END
RETURN count(*) AS rows
