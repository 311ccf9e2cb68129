// name: detect/scope_accounts
// answers: which accounts belong to this campaign (attributed to it) or fused network (members)?
// params: name: string
// mode: read
OPTIONAL MATCH (c:Campaign {key: $name})
OPTIONAL MATCH (n:Network {key: $name})
RETURN c IS NOT NULL OR n IS NOT NULL AS found,
       COLLECT {
         MATCH (a:Account)-[:ATTRIBUTED_TO]->(c) RETURN a.key AS account
         UNION
         MATCH (a:Account)-[:IN_NETWORK]->(n) RETURN a.key AS account
       } AS accounts
