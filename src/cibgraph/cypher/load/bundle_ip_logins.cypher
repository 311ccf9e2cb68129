// name: load/bundle_ip_logins
// answers: writes bundle IP logins: the account, the IP in its subnet, one USED_IP with its times
// params: rows: list, source: string, now: datetime
// mode: write
// counts: rows
// Each row: platform, account_key, account_id, hashed, ip, ip_version, subnet, first_seen_ms,
// last_seen_ms, count, access. USED_IP keeps the earliest first_seen and the latest last_seen of
// every load; count and access come from the row with the latest last_seen (the later row on a
// tie), so loading files again, or in another order, ends with the same edge.
// Times arrive as epoch ms, as in every load query.
UNWIND $rows AS raw
WITH raw {.*, first_seen: CASE WHEN raw.first_seen_ms IS NULL THEN null ELSE datetime({epochMillis: raw.first_seen_ms}) END,
          last_seen: CASE WHEN raw.last_seen_ms IS NULL THEN null ELSE datetime({epochMillis: raw.last_seen_ms}) END} AS row
MERGE (a:Account {key: row.account_key})
  ON CREATE SET a.platform = row.platform, a.platform_id = row.account_id, a.hashed = row.hashed,
                a.first_loaded_at = $now
SET a.last_loaded_at = $now,
    a.sources = CASE WHEN $source IN coalesce(a.sources, []) THEN a.sources
                     ELSE coalesce(a.sources, []) + $source END
MERGE (ip:IP {key: row.ip})
  ON CREATE SET ip.first_loaded_at = $now
SET ip.version = row.ip_version,
    ip.last_loaded_at = $now,
    ip.sources = CASE WHEN $source IN coalesce(ip.sources, []) THEN ip.sources
                      ELSE coalesce(ip.sources, []) + $source END
MERGE (s:Subnet {key: row.subnet})
  ON CREATE SET s.first_loaded_at = $now
SET s.last_loaded_at = $now,
    s.sources = CASE WHEN $source IN coalesce(s.sources, []) THEN s.sources
                     ELSE coalesce(s.sources, []) + $source END
MERGE (ip)-[n:IN_SUBNET]->(s)
  ON CREATE SET n.first_loaded_at = $now
SET n.last_loaded_at = $now,
    n.sources = CASE WHEN $source IN coalesce(n.sources, []) THEN n.sources
                     ELSE coalesce(n.sources, []) + $source END
MERGE (a)-[u:USED_IP]->(ip)
  ON CREATE SET u.first_loaded_at = $now
// One SET clause, and the newer-row test inside it: each row must see the rows before it (a
// WITH would compute the test for the whole batch before any row is written).
SET u.first_seen = CASE WHEN u.first_seen IS NULL OR row.first_seen < u.first_seen
                        THEN row.first_seen ELSE u.first_seen END,
    u += CASE WHEN u.last_seen IS NULL OR row.last_seen >= u.last_seen
              THEN {last_seen: row.last_seen, count: row.count, access: row.access}
              ELSE {} END,
    u.last_loaded_at = $now,
    u.sources = CASE WHEN $source IN coalesce(u.sources, []) THEN u.sources
                     ELSE coalesce(u.sources, []) + $source END
RETURN count(*) AS rows
