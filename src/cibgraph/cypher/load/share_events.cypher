// name: load/share_events
// answers: writes share events: one SHARED edge per share, between nodes load/endpoints wrote
// params: rows: list, source: string, now: datetime
// labels: object: Post|Url|Hashtag|Media|Domain
// mode: write
// counts: rows
// The object's label is bound from the allow-list (one object type per file). SHARED is keyed
// by (content_id, at), so a reload creates nothing. `at_ms` is epoch milliseconds: the driver
// packs integers far faster than datetimes. `original_url`: a URL's spelling in the file when it
// differs from the normalised key (null otherwise), kept as the share's first load gave it.
// Returns how many rows found their two nodes.
UNWIND $rows AS row
MATCH (a:Account {key: row.account_key})
MATCH (o:__object__ {key: row.object_key})
MERGE (a)-[s:SHARED {content_id: row.content_id, at: datetime({epochMillis: row.at_ms})}]->(o)
  ON CREATE SET s.first_loaded_at = $now, s.original_url = row.original_url
SET s.last_loaded_at = $now,
    s.sources = CASE WHEN $source IN coalesce(s.sources, []) THEN s.sources
                     ELSE coalesce(s.sources, []) + $source END
RETURN count(*) AS rows
