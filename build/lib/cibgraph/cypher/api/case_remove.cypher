// name: api/case_remove
// answers: removes entities from an open case, keeping who removed them, when and why
// params: case: string, refs: list, reason: string, author: string, at: datetime
// mode: write
MATCH (c:Case {key: $case})
WHERE c.status = 'open'
UNWIND $refs AS ref
MATCH (c)-[r:ABOUT]->(s:Account|Page|Group|IP|Subnet|Url|Domain|Hashtag|Post|Media|Campaign|DetectionRun|Network|Case|Note {key: ref.key})
WHERE ref.label IN labels(s) AND r.removed_at IS NULL
SET r.removed_at = $at, r.removed_by = $author, r.removed_reason = $reason
RETURN count(r) AS removed
