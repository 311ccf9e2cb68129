// name: api/ip_accounts
// answers: for each of these IPs, which accounts used it (earliest first, one page) and how many in all?
// params: ips: list, limit: int
// mode: read
UNWIND $ips AS ipk
MATCH (ip:IP {key: ipk})
CALL (ip) {
  OPTIONAL MATCH (a:Account)-[u:USED_IP]->(ip)
  WITH a, u ORDER BY u.first_seen, a.key
  WITH collect(CASE WHEN a IS NOT NULL THEN
    {key: a.key, props: properties(a), access: u.access, first_seen: u.first_seen,
     last_seen: u.last_seen, count: u.count} END) AS found
  RETURN size(found) AS total, found[0..$limit] AS accounts
}
RETURN ipk AS ip, total, accounts
