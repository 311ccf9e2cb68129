// name: detect/in_network
// answers: writes one batch of a fusion run's memberships: accounts, pages and groups in networks
// params: rows: list, run: string
// mode: write
// Each row: network, member, kind ('account', 'page' or 'group'), score, evidence (strings).
UNWIND $rows AS row
MATCH (n:Network {key: row.network})
CALL (row) {
  MATCH (a:Account {key: row.member}) WHERE row.kind = 'account' RETURN a AS m
  UNION
  MATCH (p:Page {key: row.member}) WHERE row.kind = 'page' RETURN p AS m
  UNION
  MATCH (g:Group {key: row.member}) WHERE row.kind = 'group' RETURN g AS m
}
MERGE (m)-[r:IN_NETWORK {run: $run}]->(n)
SET r.score = row.score, r.evidence = row.evidence
