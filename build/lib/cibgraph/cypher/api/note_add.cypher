// name: api/note_add
// answers: writes an investigator's note (or tag) about an entity, with its author and time
// params: label: string, key: string, note: string, kind: string, text: string, author: string, at: datetime
// mode: write
// A tag's key is derived from the entity and the tag, so tagging twice keeps one tag (and its
// first author and time); a note's key is new each time.
MATCH (s:Account|Page|Group|IP|Subnet|Url|Domain|Hashtag|Post|Media|Campaign|DetectionRun|Network|Case|Note {key: $key})
WHERE $label IN labels(s)
MERGE (n:Note {key: $note})
  ON CREATE SET n.kind = $kind, n.text = $text, n.author = $author, n.created_at = $at,
                n.entity = $key
MERGE (n)-[:ABOUT]->(s)
RETURN properties(n) AS props
