// name: traverse/network_of
// answers: which detected networks does this entity belong to, how strongly, and why?
// params: key: string, label: string, run: string
// mode: read
// $run (or null for every run) restricts the answer to one fusion run. Newest runs first (by
// their DetectionRun's started_at when there is one), then the strongest network.
MATCH (s:Account|Page|Group|IP|Subnet|Url|Domain|Hashtag|Post|Media|Campaign|Source|DetectionRun|Network|Case|Note {key: $key})
WHERE $label IS NULL OR $label IN labels(s)
WITH collect(s) AS starts
WHERE size(starts) = 1
WITH starts[0] AS s
MATCH (s)-[m:IN_NETWORK]->(n:Network)
WHERE $run IS NULL OR n.run = $run
OPTIONAL MATCH (r:DetectionRun {key: n.run})
RETURN n.key AS network, n.run AS run, n.score AS score, n.size AS size,
       n.explanation AS explanation, n.signals AS signals,
       m.score AS member_score, m.evidence AS member_evidence, r.started_at AS run_started_at
ORDER BY run_started_at DESC, score DESC, network
