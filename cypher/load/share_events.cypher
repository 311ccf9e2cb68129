// name: load/share_events
// answers: writes one SHARED edge per share event between an account and the object it shared
// params: rows: list, source: string, now: datetime
// mode: write
// Accounts and objects are written first (load/share_accounts, load/share_objects) in the same
// transaction. SHARED is keyed by (content_id, at), so a reload creates nothing. `at_ms` is epoch
// milliseconds: the driver packs integers far faster than datetimes.
UNWIND $rows AS row
MATCH (a:Account {key: row.account_key})
CALL (row) {
  WITH row WHERE row.object_label = 'Post'
  MATCH (o:Post {key: row.object_key}) RETURN o
  UNION
  WITH row WHERE row.object_label = 'Url'
  MATCH (o:Url {key: row.object_key}) RETURN o
  UNION
  WITH row WHERE row.object_label = 'Hashtag'
  MATCH (o:Hashtag {key: row.object_key}) RETURN o
  UNION
  WITH row WHERE row.object_label = 'Media'
  MATCH (o:Media {key: row.object_key}) RETURN o
  UNION
  WITH row WHERE row.object_label = 'Domain'
  MATCH (o:Domain {key: row.object_key}) RETURN o
}
MERGE (a)-[s:SHARED {content_id: row.content_id, at: datetime({epochMillis: row.at_ms})}]->(o)
  ON CREATE SET s.first_loaded_at = $now
SET s.last_loaded_at = $now,
    s.sources = CASE WHEN $source IN coalesce(s.sources, []) THEN s.sources
                     ELSE coalesce(s.sources, []) + $source END
