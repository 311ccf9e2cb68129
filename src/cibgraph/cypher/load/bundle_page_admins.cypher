// name: load/bundle_page_admins
// answers: writes bundle page admins: the account, the page and one ADMIN_OF {role} between them
// params: rows: list, source: string, now: datetime
// mode: write
// counts: rows
// Each row: platform, account_key, account_id, hashed, page_key, page_id, role. Endpoints are
// merged by key, so the file loads without accounts or pages files; an account has one
// ADMIN_OF per page, whose role is the one last loaded.
UNWIND $rows AS row
MERGE (a:Account {key: row.account_key})
  ON CREATE SET a.platform = row.platform, a.platform_id = row.account_id, a.hashed = row.hashed,
                a.first_loaded_at = $now
SET a.last_loaded_at = $now,
    a.sources = CASE WHEN $source IN coalesce(a.sources, []) THEN a.sources
                     ELSE coalesce(a.sources, []) + $source END
MERGE (p:Page {key: row.page_key})
  ON CREATE SET p.platform = row.platform, p.platform_id = row.page_id, p.first_loaded_at = $now
SET p.last_loaded_at = $now,
    p.sources = CASE WHEN $source IN coalesce(p.sources, []) THEN p.sources
                     ELSE coalesce(p.sources, []) + $source END
MERGE (a)-[r:ADMIN_OF]->(p)
  ON CREATE SET r.first_loaded_at = $now
SET r.role = row.role,
    r.last_loaded_at = $now,
    r.sources = CASE WHEN $source IN coalesce(r.sources, []) THEN r.sources
                     ELSE coalesce(r.sources, []) + $source END
RETURN count(*) AS rows
