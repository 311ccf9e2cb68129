// name: investigate/shared_ips_of_account
// answers: which IPs did this account use, and which other accounts stand behind each (rarest IP first)?
// params: account: string, max_others: int
// mode: read
// An IP few accounts used is strong evidence; a VPN exit used by thousands is weak, so IPs are
// ordered by how many accounts used them. `others` lists at most $max_others of the other
// accounts (by key); `accounts` counts every account of the IP, this one included.
MATCH (a:Account {key: $account})-[u:USED_IP]->(ip:IP)
CALL (a, ip) {
  OPTIONAL MATCH (o:Account)-[:USED_IP]->(ip)
  WHERE o <> a
  WITH o ORDER BY o.key
  RETURN count(o) + 1 AS accounts, collect(o.key)[0..$max_others] AS others
}
RETURN ip.key AS ip, u.access AS access, u.first_seen AS first_seen, u.last_seen AS last_seen,
       u.count AS count, accounts, others
ORDER BY accounts, ip
