// name: api/key_revoke
// answers: revokes API keys by id or by name; returns the ids revoked
// params: key: string, at: datetime
// mode: write
MATCH (k:ApiKey)
WHERE (k.key = $key OR k.name = $key) AND k.revoked_at IS NULL
SET k.revoked_at = $at
RETURN k.key AS key
