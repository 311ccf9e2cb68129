// name: api/network_ips
// answers: for each of these networks, which IPs did several of its accounts use, and who else used them?
// params: networks: list, min_members: int, limit: int
// mode: read
// `members` are the network's accounts behind the IP; `users` counts every account behind it
// (a VPN exit used by thousands is weak evidence, an address only the network used is strong).
// `accounts` are those members' properties, so the API answers them without another query.
UNWIND $networks AS nk
MATCH (n:Network {key: nk})
CALL (n) {
  MATCH (a:Account)-[:IN_NETWORK]->(n)
  MATCH (a)-[u:USED_IP]->(ip:IP)
  WITH ip, a, u ORDER BY a.key
  WITH ip, collect(DISTINCT a) AS accounts, collect(DISTINCT a.key) AS members, collect(DISTINCT u.access) AS access,
       min(u.first_seen) AS first_seen, max(u.last_seen) AS last_seen
  WHERE size(members) >= $min_members
  WITH ip, accounts, members, access, first_seen, last_seen, COUNT { (:Account)-[:USED_IP]->(ip) } AS users
  ORDER BY size(members) DESC, users, ip.key
  LIMIT $limit
  RETURN collect({key: ip.key, props: properties(ip), members: members,
                  accounts: [a IN accounts | properties(a)], access: access,
                  first_seen: first_seen, last_seen: last_seen, users: users}) AS ips
}
RETURN nk AS network, ips
