// name: load/twitter_urls
// answers: writes the URLs each tweet shared, as SHARED edges to Url nodes on their Domain
// params: rows: list, source: string, now: datetime
// mode: write
// counts: rows
// Each row: account_key, content_id (the tweet id), at_ms, urls (list of {url, domain,
// original}: the normalised URL, its registered domain, and the spelling in the file when it
// differs, kept as the Url's first original_url and on the SHARED edge); the loader sends only
// tweets with URLs. Returns how many rows found their author.
UNWIND $rows AS row
MATCH (a:Account {key: row.account_key})
CALL (a, row) {
  UNWIND row.urls AS link
  MERGE (u:Url {key: link.url})
    ON CREATE SET u.first_loaded_at = $now, u.original_url = coalesce(link.original, link.url)
  SET u.last_loaded_at = $now,
      u.sources = CASE WHEN $source IN coalesce(u.sources, []) THEN u.sources
                       ELSE coalesce(u.sources, []) + $source END
  MERGE (d:Domain {key: link.domain})
    ON CREATE SET d.first_loaded_at = $now
  SET d.last_loaded_at = $now,
      d.sources = CASE WHEN $source IN coalesce(d.sources, []) THEN d.sources
                       ELSE coalesce(d.sources, []) + $source END
  MERGE (u)-[o:ON_DOMAIN]->(d)
    ON CREATE SET o.first_loaded_at = $now
  SET o.last_loaded_at = $now,
      o.sources = CASE WHEN $source IN coalesce(o.sources, []) THEN o.sources
                       ELSE coalesce(o.sources, []) + $source END
  MERGE (a)-[s:SHARED {content_id: row.content_id, at: datetime({epochMillis: row.at_ms})}]->(u)
    ON CREATE SET s.first_loaded_at = $now, s.original_url = link.original
  SET s.last_loaded_at = $now,
      s.sources = CASE WHEN $source IN coalesce(s.sources, []) THEN s.sources
                       ELSE coalesce(s.sources, []) + $source END
}
RETURN count(*) AS rows
