// name: api/key_create
// answers: stores a new API key (its salted hash only, never the secret)
// params: key: string, name: string, role: string, salt: string, hash: string, at: datetime
// mode: write
CREATE (k:ApiKey {key: $key, name: $name, role: $role, salt: $salt, hash: $hash,
                  created_at: $at})
RETURN k.key AS key
