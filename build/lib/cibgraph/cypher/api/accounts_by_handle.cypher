// name: api/accounts_by_handle
// answers: which accounts carry this handle (on this platform, or on any when null)?
// params: handle: string, platform: string, limit: int
// mode: read
MATCH (a:Account {handle: $handle})
WHERE $platform IS NULL OR a.platform = $platform
RETURN 'Account' AS label, a.key AS key, properties(a) AS props
ORDER BY key
LIMIT $limit
