// name: api/key_list
// answers: which API keys exist, with their names, roles and whether they are revoked?
// params: none
// mode: read
MATCH (k:ApiKey)
RETURN k.key AS key, k.name AS name, k.role AS role, k.created_at AS created_at,
       k.revoked_at AS revoked_at
ORDER BY k.created_at, k.key
