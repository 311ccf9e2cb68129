// name: investigate/lockstep_sharers
// answers: which accounts shared the same objects as this account within $window seconds of it, and how often?
// params: account: string, window: int, limit: int
// mode: read
// A pair is one share of this account and one share of the other account of the same object,
// at most $window seconds apart (inclusive). `pairs` counts them, `objects` the distinct objects;
// deltas are in seconds; `first_at` / `last_at` bound the earlier share of each pair.
MATCH (a:Account {key: $account})-[sa:SHARED]->(o)<-[sb:SHARED]-(b:Account)
WHERE b <> a
WITH b, o, sa.at AS a_at, sb.at AS b_at, abs(sb.at.epochMillis - sa.at.epochMillis) AS delta_ms
WHERE delta_ms <= $window * 1000
WITH b, o, delta_ms, CASE WHEN a_at <= b_at THEN a_at ELSE b_at END AS at
RETURN b.key AS account, b.handle AS handle, count(*) AS pairs, count(DISTINCT o) AS objects,
       min(delta_ms) / 1000.0 AS min_delta, avg(delta_ms) / 1000.0 AS avg_delta,
       min(at) AS first_at, max(at) AS last_at
ORDER BY pairs DESC, objects DESC, account
LIMIT $limit
