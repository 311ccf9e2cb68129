// name: investigate/creation_burst
// answers: which accounts were created within $hours hours of this account, with a handle of the same shape?
// params: account: string, hours: int, limit: int
// mode: read
// A handle's shape: each run of letters becomes 'a', each digit '9', anything else stays, so
// 'susan48213377' and 'Bo_77310422' have the shapes 'a99999999' and 'a_99999999'. Accounts
// without a handle (hashed ones) have no shape and never match. `hours_apart` is signed: negative
// for accounts created before this one.
MATCH (a:Account {key: $account})
WHERE a.created_at IS NOT NULL AND a.handle IS NOT NULL
WITH a, apoc.text.replace(apoc.text.replace(a.handle, '\\p{L}+', 'a'), '\\p{N}', '9') AS shape
MATCH (b:Account)
WHERE b.created_at >= a.created_at - duration({hours: $hours})
  AND b.created_at <= a.created_at + duration({hours: $hours})
  AND b <> a AND b.handle IS NOT NULL
WITH a, shape, b,
     apoc.text.replace(apoc.text.replace(b.handle, '\\p{L}+', 'a'), '\\p{N}', '9') AS b_shape
WHERE b_shape = shape
RETURN b.key AS account, b.handle AS handle, shape, b.created_at AS created_at,
       (b.created_at.epochMillis - a.created_at.epochMillis) / 3600000.0 AS hours_apart,
       b.client AS client, b.client = a.client AS same_client
ORDER BY created_at, account
LIMIT $limit
