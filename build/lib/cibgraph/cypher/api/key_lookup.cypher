// name: api/key_lookup
// answers: the stored record of one API key id (to check a presented secret against)
// params: key: string
// mode: read
MATCH (k:ApiKey {key: $key})
RETURN k.key AS key, k.name AS name, k.role AS role, k.salt AS salt, k.hash AS hash,
       k.revoked_at AS revoked_at
