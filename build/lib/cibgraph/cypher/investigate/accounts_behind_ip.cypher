// name: investigate/accounts_behind_ip
// answers: which accounts used this IP address, when, how often and through what kind of access?
// params: ip: string, limit: int
// mode: read
// $ip is the normalised address (the IP node's key, e.g. '2001:db8::1'). Earliest use first.
MATCH (a:Account)-[u:USED_IP]->(:IP {key: $ip})
RETURN a.key AS account, a.handle AS handle, u.first_seen AS first_seen,
       u.last_seen AS last_seen, u.count AS count, u.access AS access,
       [(a)-[:ATTRIBUTED_TO]->(c:Campaign) | c.key] AS campaigns
ORDER BY first_seen, account
LIMIT $limit
