// name: load/share_events
// answers: writes share events: the account, the shared object and one SHARED edge per share
// params: rows: list, source: string, now: datetime
// mode: write
// Each row: account_key, platform, platform_id, hashed, object_label, object_key, content_id, at.
// Objects of each allowed label are merged in their own branch so every MERGE uses its
// constraint index; SHARED is keyed by (content_id, at), so a reload creates nothing.
UNWIND $rows AS row
MERGE (a:Account {key: row.account_key})
  ON CREATE SET a.platform = row.platform, a.platform_id = row.platform_id,
                a.hashed = row.hashed, a.first_loaded_at = $now
SET a.last_loaded_at = $now,
    a.sources = CASE WHEN $source IN coalesce(a.sources, []) THEN a.sources
                     ELSE coalesce(a.sources, []) + $source END
WITH a, row
CALL (row) {
  WITH row WHERE row.object_label = 'Post'
  MERGE (o:Post {key: row.object_key}) RETURN o
  UNION
  WITH row WHERE row.object_label = 'Url'
  MERGE (o:Url {key: row.object_key}) RETURN o
  UNION
  WITH row WHERE row.object_label = 'Hashtag'
  MERGE (o:Hashtag {key: row.object_key}) RETURN o
  UNION
  WITH row WHERE row.object_label = 'Media'
  MERGE (o:Media {key: row.object_key}) RETURN o
  UNION
  WITH row WHERE row.object_label = 'Domain'
  MERGE (o:Domain {key: row.object_key}) RETURN o
}
SET o.first_loaded_at = coalesce(o.first_loaded_at, $now), o.last_loaded_at = $now,
    o.sources = CASE WHEN $source IN coalesce(o.sources, []) THEN o.sources
                     ELSE coalesce(o.sources, []) + $source END
MERGE (a)-[s:SHARED {content_id: row.content_id, at: row.at}]->(o)
  ON CREATE SET s.first_loaded_at = $now
SET s.last_loaded_at = $now,
    s.sources = CASE WHEN $source IN coalesce(s.sources, []) THEN s.sources
                     ELSE coalesce(s.sources, []) + $source END
