// name: api/entity_campaigns
// answers: which disclosed campaigns is each of these entities attributed to?
// params: refs: list
// mode: read
UNWIND $refs AS ref
MATCH (s:Account|Page|Group|IP|Subnet|Url|Domain|Hashtag|Post|Media|Campaign|DetectionRun|Network|Case|Note {key: ref.key})
WHERE ref.label IN labels(s)
MATCH (s)-[:ATTRIBUTED_TO]->(c:Campaign)
RETURN ref.label AS label, ref.key AS key, 'Campaign' AS c_label, c.key AS c_key,
       properties(c) AS props
ORDER BY c.key
