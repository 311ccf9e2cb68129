// name: api/accounts_by_handle
// answers: which accounts carry this handle (on this platform, or on any when null)?
// params: handle: string, platform: string, limit: int, props: list
// mode: read
// Of each account only the properties $props names are read (null: all of them; the API asks
// for those the client selected).
MATCH (a:Account {handle: $handle})
WHERE $platform IS NULL OR a.platform = $platform
RETURN 'Account' AS label, a.key AS key,
       CASE WHEN $props IS NULL THEN properties(a)
       ELSE apoc.map.fromLists($props, [k IN $props | a[k]]) END AS props
ORDER BY key
LIMIT $limit
