// name: investigate/entity_sources
// answers: where does this entity come from: which loaded files (Source nodes) wrote it, and when?
// params: key: string
// mode: read
// One row per Source; an entity no loader wrote (e.g. a Network) gets one row with null source.
// Every label's key index is searched (the labels of graph/schema.py).
MATCH (n:Account|Page|Group|IP|Subnet|Url|Domain|Hashtag|Post|Media|Campaign|Source|DetectionRun|Network|Case|Note {key: $key})
OPTIONAL MATCH (s:Source)
WHERE s.key IN n.sources
RETURN n.key AS entity, labels(n) AS labels, n.first_loaded_at AS first_loaded_at,
       n.last_loaded_at AS last_loaded_at, s.key AS source, s.name AS name, s.path AS path,
       s.loader AS loader, s.loaded_at AS loaded_at, s.rows_loaded AS rows_loaded
ORDER BY labels, loaded_at, source
