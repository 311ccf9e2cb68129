// name: log/graph_shares
// answers: every share event in the graph, as the share log stores it (to rebuild the log)
// params: none
// mode: read
// One row per SHARED edge: the actor's and object's first label and key, the sharing post,
// the time in epoch ms, how a post was shared, and the Source keys it was read from.
MATCH (a)-[s:SHARED]->(o)
RETURN a.key AS account, labels(a)[0] AS actor_type, o.key AS object,
       labels(o)[0] AS object_type, s.content_id AS content_id, s.at.epochMillis AS at_ms,
       s.via AS via, s.sources AS sources
