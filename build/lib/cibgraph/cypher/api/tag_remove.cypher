// name: api/tag_remove
// answers: removes one tag from an entity; says whether there was one
// params: note: string
// mode: write
OPTIONAL MATCH (n:Note {key: $note, kind: 'tag'})
WITH n, n IS NOT NULL AS found
DETACH DELETE n
RETURN found
