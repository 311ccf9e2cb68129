// name: api/entity_annotations
// answers: which notes and tags do investigators keep on each of these entities?
// params: refs: list
// mode: read
// Notes and tags are both Note nodes ABOUT the entity, told apart by their kind; oldest first.
UNWIND $refs AS ref
MATCH (s:Account|Page|Group|IP|Subnet|Url|Domain|Hashtag|Post|Media|Campaign|DetectionRun|Network|Case|Note {key: ref.key})
WHERE ref.label IN labels(s)
MATCH (note:Note)-[:ABOUT]->(s)
RETURN ref.label AS label, ref.key AS key, properties(note) AS props
ORDER BY note.created_at, note.key
