// name: investigate/network_backbone
// answers: what is the backbone of this network: its $members strongest accounts, and its pages and groups with the member accounts that run them?
// params: network: string, members: int
// mode: read
// Accounts rank by their IN_NETWORK score (fusion's strength of their evidence). Pages and
// groups come with every ADMIN_OF link from a member account. Drawn in Neo4j Browser, this is a
// readable picture of a network of hundreds of accounts, where all its links would be a hairball.
MATCH (n:Network {key: $network})
CALL (n) {
  MATCH (n)<-[m:IN_NETWORK]-(a:Account)
  WITH a, m ORDER BY m.score DESC, a.key LIMIT $members
  RETURN a AS member, m AS membership, null AS admin, null AS runs
  UNION
  MATCH (n)<-[m:IN_NETWORK]-(e:Page|Group)
  OPTIONAL MATCH (adm:Account)-[r:ADMIN_OF]->(e)
  WHERE (adm)-[:IN_NETWORK]->(n)
  RETURN e AS member, m AS membership, adm AS admin, r AS runs
}
RETURN n, member, membership, admin, runs
