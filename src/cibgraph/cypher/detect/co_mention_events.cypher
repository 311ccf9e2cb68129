// name: detect/co_mention_events
// answers: which accounts did each account mention, in which post and when (co-mention's input)?
// params: none
// mode: read
// A mention is a SHARED edge to the mentioned Account; mentioning oneself is left out.
MATCH (a:Account)-[s:SHARED]->(t:Account)
WHERE t <> a
RETURN a.key AS account,
       collect(s.content_id) AS posts,
       collect(t.key) AS targets,
       collect(s.at.epochMillis) AS at_ms
