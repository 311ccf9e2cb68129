// name: load/posts
// answers: writes each post read from a source format (its text, language, time) POSTED by its author
// params: rows: list, source: string, now: datetime
// labels: actor: Account|Page|Group
// mode: write
// counts: rows
// Each row: key (the Post, written by load/endpoints), actor_key, at_ms (epoch ms), props (the
// Post's properties, missing values left out so that another file's values stay).
UNWIND $rows AS row
MATCH (a:__actor__ {key: row.actor_key})
MATCH (p:Post {key: row.key})
SET p += row.props,
    p.at = datetime({epochMillis: row.at_ms})
MERGE (a)-[r:POSTED]->(p)
  ON CREATE SET r.first_loaded_at = $now
SET r.at = datetime({epochMillis: row.at_ms}),
    r.last_loaded_at = $now,
    r.sources = CASE WHEN $source IN coalesce(r.sources, []) THEN r.sources
                     ELSE coalesce(r.sources, []) + $source END
RETURN count(*) AS rows
