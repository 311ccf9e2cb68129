// name: export/network_ids
// answers: which nodes make up this detected network for an export: the Network, its members, and the IPs, URLs and campaigns that tie them?
// params: network: string
// mode: read
// Members are the accounts, pages and groups IN_NETWORK of it. IPs and URLs are kept when at
// least two member accounts used or shared them (what ties the network together); campaigns
// when a member is attributed to one. Returns element ids, valid for the export's reads.
MATCH (n:Network {key: $network})
CALL (n) {
  MATCH (m:Account|Page|Group)-[:IN_NETWORK]->(n)
  RETURN m AS e
  UNION
  MATCH (a:Account)-[:IN_NETWORK]->(n)
  MATCH (a)-[:USED_IP]->(ip:IP)
  WITH ip, count(DISTINCT a) AS users
  WHERE users >= 2
  RETURN ip AS e
  UNION
  MATCH (a:Account)-[:IN_NETWORK]->(n)
  MATCH (a)-[:SHARED]->(u:Url)
  WITH u, count(DISTINCT a) AS sharers
  WHERE sharers >= 2
  RETURN u AS e
  UNION
  MATCH (m:Account|Page|Group)-[:IN_NETWORK]->(n)
  MATCH (m)-[:ATTRIBUTED_TO]->(c:Campaign)
  RETURN c AS e
}
WITH n, collect(DISTINCT elementId(e)) AS ids
RETURN [elementId(n)] + ids AS ids
