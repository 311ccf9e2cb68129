// name: load/url_domains
// answers: links each shared URL to its domain, so that everything sharing one site links up
// params: rows: list, source: string, now: datetime
// mode: write
// counts: rows
// Each row: url (an existing Url key), domain (normalised host).
UNWIND $rows AS row
MATCH (u:Url {key: row.url})
MERGE (d:Domain {key: row.domain})
  ON CREATE SET d.first_loaded_at = $now
SET d.last_loaded_at = $now,
    d.sources = CASE WHEN $source IN coalesce(d.sources, []) THEN d.sources
                     ELSE coalesce(d.sources, []) + $source END
MERGE (u)-[r:ON_DOMAIN]->(d)
  ON CREATE SET r.first_loaded_at = $now
SET r.last_loaded_at = $now,
    r.sources = CASE WHEN $source IN coalesce(r.sources, []) THEN r.sources
                     ELSE coalesce(r.sources, []) + $source END
RETURN count(*) AS rows
