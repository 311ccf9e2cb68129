// name: detect/share_events
// answers: which share events can take part in coordinated sharing (accounts with enough shares)?
// params: min_participation: int
// mode: read
// One row per account, its shares as parallel lists: far fewer records to decode than one row
// per share. `at_ms` is epoch milliseconds (integers travel faster than datetimes).
MATCH (a:Account)
WHERE COUNT { (a)-[:SHARED]->() } >= $min_participation
MATCH (a)-[s:SHARED]->(o)
RETURN a.key AS account,
       collect(o.key) AS objects,
       collect(o:Post) AS is_post,
       collect(s.content_id) AS content_ids,
       collect(s.at.epochMillis) AS at_ms
