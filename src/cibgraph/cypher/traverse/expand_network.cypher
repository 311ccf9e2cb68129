// name: traverse/expand_network
// answers: who else is in this entity's network(s), ranked by the evidence that puts them there?
// params: key: string, label: string, run: string, types: list, limit: int
// mode: read
// For every network of the seed (of fusion run $run, or of every run when null), each other
// member with: its IN_NETWORK score and evidence; the detection edges between it and the seed,
// one weight per signal type (the largest when several detection runs wrote one); and the
// detection edges to the network's other members (distinct members and summed weight per type).
// Ranked within a network by membership score, then weight to the seed, then weight to the
// other members, then key; strongest networks first. $types are the relationship types the
// detections write: cibgraph.traversals passes the signal registry's (detection_types()).
MATCH (s:Account|Page|Group|IP|Subnet|Url|Domain|Hashtag|Post|Media|Campaign|Source|DetectionRun|Network|Case|Note {key: $key})
WHERE $label IS NULL OR $label IN labels(s)
WITH collect(s) AS starts
WHERE size(starts) = 1
WITH starts[0] AS seed
MATCH (seed)-[:IN_NETWORK]->(n:Network)
WHERE $run IS NULL OR n.run = $run
MATCH (m)-[mm:IN_NETWORK]->(n)
WHERE m <> seed
CALL (seed, m) {
  OPTIONAL MATCH (m)-[d]-(seed)
  WHERE type(d) IN $types
  WITH type(d) AS signal, max(d.weight) AS weight
  WHERE signal IS NOT NULL
  RETURN collect({signal: signal, weight: weight}) AS to_seed, sum(weight) AS seed_weight
}
CALL (seed, m, n) {
  OPTIONAL MATCH (m)-[d]-(o)
  WHERE type(d) IN $types AND o <> seed AND o <> m AND (o)-[:IN_NETWORK]->(n)
  WITH type(d) AS signal, o, max(d.weight) AS weight
  WHERE signal IS NOT NULL
  WITH signal, count(o) AS members, sum(weight) AS weight
  RETURN collect({signal: signal, members: members, weight: weight}) AS to_members,
         sum(weight) AS members_weight
}
WITH n, m, mm, to_seed, seed_weight, to_members, members_weight
ORDER BY n.score DESC, n.key, mm.score DESC, seed_weight DESC, members_weight DESC, m.key
LIMIT $limit
RETURN n.key AS network, n.run AS run, n.score AS network_score, m.key AS key,
       labels(m) AS labels, properties(m) AS props, mm.score AS score, mm.evidence AS evidence,
       to_seed, seed_weight, to_members, members_weight
