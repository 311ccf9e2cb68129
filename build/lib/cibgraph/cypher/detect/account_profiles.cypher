// name: detect/account_profiles
// answers: when was each account created, under which handle, with which client?
// params: none
// mode: read
// created_ms is epoch milliseconds; accounts without a creation time cannot be in a burst.
MATCH (a:Account)
WHERE a.created_at IS NOT NULL
RETURN a.key AS account, coalesce(a.platform, '') AS platform,
       a.created_at.epochMillis AS created_ms, coalesce(a.handle, '') AS handle,
       coalesce(a.client, '') AS client
ORDER BY platform, created_ms, account
