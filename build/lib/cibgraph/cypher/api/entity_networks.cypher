// name: api/entity_networks
// answers: which networks of a fusion run does each of these entities belong to, how strongly and why?
// params: refs: list, run: string
// mode: read
// $run names a fusion run; null means the latest complete one, as `networks` lists (memberships
// of superseded runs stay in the graph but are not answered), or every run when none is recorded.
// Strongest network first; one row per (entity, network).
WITH coalesce($run, head(COLLECT {
  MATCH (r:DetectionRun {kind: 'networks', status: 'complete'})
  WITH r ORDER BY r.started_at DESC
  RETURN r.key
})) AS run
UNWIND $refs AS ref
MATCH (s:Account|Page|Group|IP|Subnet|Url|Domain|Hashtag|Post|Media|Campaign|DetectionRun|Network|Case|Note {key: ref.key})
WHERE ref.label IN labels(s)
MATCH (s)-[m:IN_NETWORK]->(n:Network)
WHERE run IS NULL OR n.run = run
RETURN ref.label AS label, ref.key AS key, properties(n) AS network, m.score AS score,
       m.evidence AS evidence
ORDER BY n.score DESC, n.key
