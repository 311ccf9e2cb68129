// name: load/share_objects
// answers: writes the shared objects of a batch (one row per distinct object, label allow-listed)
// params: rows: list, source: string, now: datetime
// mode: write
// One branch per allowed label, so each MERGE runs on that label's key constraint.
UNWIND $rows AS row
CALL (row) {
  WITH row WHERE row.label = 'Post'
  MERGE (o:Post {key: row.key}) RETURN o
  UNION
  WITH row WHERE row.label = 'Url'
  MERGE (o:Url {key: row.key}) RETURN o
  UNION
  WITH row WHERE row.label = 'Hashtag'
  MERGE (o:Hashtag {key: row.key}) RETURN o
  UNION
  WITH row WHERE row.label = 'Media'
  MERGE (o:Media {key: row.key}) RETURN o
  UNION
  WITH row WHERE row.label = 'Domain'
  MERGE (o:Domain {key: row.key}) RETURN o
}
SET o.first_loaded_at = coalesce(o.first_loaded_at, $now), o.last_loaded_at = $now,
    o.sources = CASE WHEN $source IN coalesce(o.sources, []) THEN o.sources
                     ELSE coalesce(o.sources, []) + $source END
