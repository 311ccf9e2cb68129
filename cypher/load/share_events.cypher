// name: load/share_events
// answers: writes share events: the account, the shared object, one SHARED edge per share
// params: rows: list, source: string, now: datetime
// labels: object: Post|Url|Hashtag|Media|Domain
// mode: write
// One pass per row, as LOAD CSV would do it; the object's label is bound from the allow-list
// (one object type per file). SHARED is keyed by (content_id, at), so a reload creates nothing.
// `at_ms` is epoch milliseconds: the driver packs integers far faster than datetimes.
UNWIND $rows AS row
MERGE (a:Account {key: row.account_key})
  ON CREATE SET a.platform = row.platform, a.platform_id = row.platform_id,
                a.hashed = row.hashed, a.first_loaded_at = $now
SET a.last_loaded_at = $now,
    a.sources = CASE WHEN $source IN coalesce(a.sources, []) THEN a.sources
                     ELSE coalesce(a.sources, []) + $source END
MERGE (o:__object__ {key: row.object_key})
  ON CREATE SET o.first_loaded_at = $now
SET o.last_loaded_at = $now,
    o.sources = CASE WHEN $source IN coalesce(o.sources, []) THEN o.sources
                     ELSE coalesce(o.sources, []) + $source END
MERGE (a)-[s:SHARED {content_id: row.content_id, at: datetime({epochMillis: row.at_ms})}]->(o)
  ON CREATE SET s.first_loaded_at = $now
SET s.last_loaded_at = $now,
    s.sources = CASE WHEN $source IN coalesce(s.sources, []) THEN s.sources
                     ELSE coalesce(s.sources, []) + $source END
