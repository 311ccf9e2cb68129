// name: detect/co_reply_events
// answers: which replies did each account post, to which post and when (co-reply's input)?
// params: none
// mode: read
// A reply is a SHARED edge via 'reply' to the replied-to Post; one its author also shared
// via 'retweet' (a repost of a reply) is left out, as coordination-network-toolkit does.
MATCH (a:Account)-[s:SHARED]->(t:Post)
WHERE s.via = 'reply'
  AND NOT EXISTS {
    MATCH (a)-[r:SHARED]->(:Post)
    WHERE r.via = 'retweet' AND r.content_id = s.content_id
  }
RETURN a.key AS account,
       collect(s.content_id) AS posts,
       collect(t.key) AS targets,
       collect(s.at.epochMillis) AS at_ms
