// name: load/bundle_attributions
// answers: writes bundle attributions: the account, page, group or IP, its campaign, ATTRIBUTED_TO
// params: rows: list, source: string, now: datetime
// mode: write
// counts: rows
// Each row: entity_type ('account', 'page', 'group' or 'ip'), entity_key, campaign, note (or
// null), and platform, platform_id, hashed (null but for accounts) or, for an ip, ip_version and
// subnet.
// Each entity label is merged in its own branch so every MERGE uses its constraint index; an IP
// also gets its subnet. A note, once given, is kept when a later row has none.
UNWIND $rows AS row
CALL (row) {
  WITH row WHERE row.entity_type = 'account'
  MERGE (e:Account {key: row.entity_key})
    ON CREATE SET e.platform = row.platform, e.platform_id = row.platform_id, e.hashed = row.hashed
  RETURN e
  UNION
  WITH row WHERE row.entity_type = 'page'
  MERGE (e:Page {key: row.entity_key})
    ON CREATE SET e.platform = row.platform, e.platform_id = row.platform_id
  RETURN e
  UNION
  WITH row WHERE row.entity_type = 'group'
  MERGE (e:Group {key: row.entity_key})
    ON CREATE SET e.platform = row.platform, e.platform_id = row.platform_id
  RETURN e
  UNION
  WITH row WHERE row.entity_type = 'ip'
  MERGE (e:IP {key: row.entity_key})
  SET e.version = row.ip_version
  MERGE (s:Subnet {key: row.subnet})
    ON CREATE SET s.first_loaded_at = $now
  SET s.last_loaded_at = $now,
      s.sources = CASE WHEN $source IN coalesce(s.sources, []) THEN s.sources
                       ELSE coalesce(s.sources, []) + $source END
  MERGE (e)-[n:IN_SUBNET]->(s)
    ON CREATE SET n.first_loaded_at = $now
  SET n.last_loaded_at = $now,
      n.sources = CASE WHEN $source IN coalesce(n.sources, []) THEN n.sources
                       ELSE coalesce(n.sources, []) + $source END
  RETURN e
}
SET e.first_loaded_at = coalesce(e.first_loaded_at, $now), e.last_loaded_at = $now,
    e.sources = CASE WHEN $source IN coalesce(e.sources, []) THEN e.sources
                     ELSE coalesce(e.sources, []) + $source END
MERGE (c:Campaign {key: row.campaign})
  ON CREATE SET c.first_loaded_at = $now
SET c.last_loaded_at = $now,
    c.sources = CASE WHEN $source IN coalesce(c.sources, []) THEN c.sources
                     ELSE coalesce(c.sources, []) + $source END
MERGE (e)-[r:ATTRIBUTED_TO]->(c)
  ON CREATE SET r.first_loaded_at = $now
SET r.note = coalesce(row.note, r.note),
    r.last_loaded_at = $now,
    r.sources = CASE WHEN $source IN coalesce(r.sources, []) THEN r.sources
                     ELSE coalesce(r.sources, []) + $source END
RETURN count(*) AS rows
