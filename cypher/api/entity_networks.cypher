// name: api/entity_networks
// answers: which networks does each of these entities belong to, how strongly and why?
// params: refs: list
// mode: read
// Strongest network first; one row per (entity, network).
UNWIND $refs AS ref
MATCH (s:Account|Page|Group|IP|Subnet|Url|Domain|Hashtag|Post|Media|Campaign|DetectionRun|Network|Case|Note {key: ref.key})
WHERE ref.label IN labels(s)
MATCH (s)-[m:IN_NETWORK]->(n:Network)
RETURN ref.label AS label, ref.key AS key, properties(n) AS network, m.score AS score,
       m.evidence AS evidence
ORDER BY n.score DESC, n.key
