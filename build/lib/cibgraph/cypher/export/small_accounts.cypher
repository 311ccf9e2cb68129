// name: export/small_accounts
// answers: which selected accounts have fewer than $min_followers followers (or no follower count), for a redacted export?
// params: ids: list, min_followers: int
// mode: read
UNWIND $ids AS id
MATCH (a:Account)
WHERE elementId(a) = id AND coalesce(a.followers, 0) < $min_followers
RETURN a.key AS key, a.platform AS platform, a.platform_id AS platform_id, a.handle AS handle,
       a.name AS name
ORDER BY key
