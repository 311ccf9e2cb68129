// name: detect/ip_usage
// answers: which accounts used each IP shared by at least two and fewer than max_accounts of them, and when?
// params: max_accounts: int
// mode: read
// One row per IP shared by two accounts or more. IPs used by max_accounts accounts or more come
// back with their user count and no uses: they are too common to tie anyone together.
// Times are epoch milliseconds, -1 when unknown.
MATCH (ip:IP)
WITH ip, COUNT { (:Account)-[:USED_IP]->(ip) } AS users
WHERE users >= 2
RETURN ip.key AS ip, users,
       CASE WHEN users < $max_accounts
            THEN [(a:Account)-[u:USED_IP]->(ip) | [a.key, coalesce(u.access, 'unknown'),
                  coalesce(u.first_seen.epochMillis, -1), coalesce(u.last_seen.epochMillis, -1)]]
            ELSE [] END AS uses
ORDER BY ip
