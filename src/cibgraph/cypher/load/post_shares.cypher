// name: load/post_shares
// answers: writes the share events of posts read from a source format, one SHARED edge per share
// params: rows: list, source: string, now: datetime
// labels: actor: Account|Page|Group; object: Post|Url|Hashtag|Media|Domain|Account
// mode: write
// counts: rows
// Each row: actor_key, object_key, content_id (the sharing post's id), at_ms (epoch ms), via
// (how a post was shared: retweet, reply, quote, forward; null otherwise), original_url (a URL's
// spelling in the file when it differs from the normalised key, else null; set on creation). The
// actor and object nodes were written by load/endpoints. SHARED is keyed by (content_id, at),
// so a reload creates nothing. Returns how many rows found their two nodes.
UNWIND $rows AS row
MATCH (a:__actor__ {key: row.actor_key})
MATCH (o:__object__ {key: row.object_key})
MERGE (a)-[s:SHARED {content_id: row.content_id, at: datetime({epochMillis: row.at_ms})}]->(o)
  ON CREATE SET s.first_loaded_at = $now, s.original_url = row.original_url
SET s.last_loaded_at = $now, s.via = coalesce(row.via, s.via),
    s.sources = CASE WHEN $source IN coalesce(s.sources, []) THEN s.sources
                     ELSE coalesce(s.sources, []) + $source END
RETURN count(*) AS rows
