// name: load/remove_sources
// answers: deletes the Source records of the given keys, and the networks no member is left in
// params: sources: list
// mode: write
OPTIONAL MATCH (s:Source)
WHERE s.key IN $sources
DETACH DELETE s
WITH count(s) AS sources
OPTIONAL MATCH (n:Network)
WHERE NOT ()-[:IN_NETWORK]->(n)
DETACH DELETE n
RETURN sources, count(n) AS networks
