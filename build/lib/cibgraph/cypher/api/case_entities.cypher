// name: api/case_entities
// answers: for each of these cases, which entities does it hold, why, and who added them?
// params: cases: list, include_removed: boolean
// mode: read
UNWIND $cases AS ck
MATCH (c:Case {key: ck})-[r:ABOUT]->(s)
WHERE $include_removed OR r.removed_at IS NULL
WITH ck, s, r ORDER BY r.added_at, s.key
RETURN ck AS case, labels(s) AS labels, s.key AS key, properties(s) AS props,
       properties(r) AS link
