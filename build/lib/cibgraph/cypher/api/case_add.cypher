// name: api/case_add
// answers: adds entities to an open case with a reason (adding one again refreshes the reason)
// params: case: string, refs: list, reason: string, author: string, at: datetime
// mode: write
// (Case)-[:ABOUT {reason, added_by, added_at}]->(entity). A removed entity keeps its edge with
// removed_* set, so the case keeps its history; adding it again clears them. Returns the refs
// that named no entity (the API rejects the whole call before this when one is missing).
MATCH (c:Case {key: $case})
WHERE c.status = 'open'
UNWIND $refs AS ref
MATCH (s:Account|Page|Group|IP|Subnet|Url|Domain|Hashtag|Post|Media|Campaign|DetectionRun|Network|Case|Note {key: ref.key})
WHERE ref.label IN labels(s)
MERGE (c)-[r:ABOUT]->(s)
SET r.reason = $reason, r.added_by = $author, r.added_at = $at,
    r.removed_at = null, r.removed_by = null, r.removed_reason = null
RETURN count(r) AS added
