// name: investigate/pages_and_groups_of_network
// answers: which pages and groups are tied to this network, and through what (membership, admins, members, overlap)?
// params: network: string
// mode: read
// Ties: the page or group is itself in the network (`member_score`); accounts of the network
// administer it (`admins`) or belong to it (`member_accounts`); it shares admins or audience
// (CO_ADMIN_WITH / AUDIENCE_OVERLAP) with a page or group of the network (`linked_to`, one
// weight per signal, the largest when several detection runs wrote one). Strongest ties first.
MATCH (n:Network {key: $network})
CALL (n) {
  MATCH (e:Page|Group)-[:IN_NETWORK]->(n)
  RETURN e
  UNION
  MATCH (a:Account)-[:IN_NETWORK]->(n)
  MATCH (a)-[:ADMIN_OF|MEMBER_OF]->(e:Page|Group)
  RETURN e
  UNION
  MATCH (p:Page|Group)-[:IN_NETWORK]->(n)
  MATCH (p)-[:CO_ADMIN_WITH|AUDIENCE_OVERLAP]-(e:Page|Group)
  RETURN e
}
WITH DISTINCT n, e
OPTIONAL MATCH (e)-[m:IN_NETWORK]->(n)
CALL (n, e) {
  OPTIONAL MATCH (a:Account)-[:ADMIN_OF]->(e)
  WHERE (a)-[:IN_NETWORK]->(n)
  WITH a ORDER BY a.key
  RETURN collect(DISTINCT a.key) AS admins
}
CALL (n, e) {
  OPTIONAL MATCH (a:Account)-[:MEMBER_OF]->(e)
  WHERE (a)-[:IN_NETWORK]->(n)
  RETURN count(DISTINCT a) AS member_accounts
}
CALL (n, e) {
  OPTIONAL MATCH (e)-[l:CO_ADMIN_WITH|AUDIENCE_OVERLAP]-(p)
  WHERE p <> e AND (p)-[:IN_NETWORK]->(n)
  WITH p, type(l) AS signal, max(l.weight) AS weight
  WHERE p IS NOT NULL
  WITH p, signal, weight ORDER BY p.key, signal
  RETURN collect({entity: p.key, signal: signal, weight: weight}) AS linked_to
}
RETURN e.key AS entity, CASE WHEN e:Page THEN 'Page' ELSE 'Group' END AS label,
       e.name AS name, m.score AS member_score, admins, member_accounts, linked_to
ORDER BY member_score IS NULL, member_score DESC, size(admins) DESC, member_accounts DESC,
         size(linked_to) DESC, entity
