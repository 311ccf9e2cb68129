// name: report/activity
// answers: how many posts and shares did the accounts of this network make each day, and how many of its accounts were active that day?
// params: network: string
// mode: read
// Posts (POSTED) and shares (SHARED) both carry `at`; a day is the UTC calendar day.
MATCH (n:Network {key: $network})<-[:IN_NETWORK]-(a:Account)
MATCH (a)-[s:POSTED|SHARED]->()
WHERE s.at IS NOT NULL
WITH date(datetime(s.at)) AS day, type(s) AS kind, a
RETURN day, sum(CASE kind WHEN 'POSTED' THEN 1 ELSE 0 END) AS posts,
       sum(CASE kind WHEN 'SHARED' THEN 1 ELSE 0 END) AS shares, count(DISTINCT a) AS accounts
ORDER BY day
