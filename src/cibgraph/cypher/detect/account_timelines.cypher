// name: detect/account_timelines
// answers: what did each account post or share, when, in which language and from which client (its timeline)?
// params: min_events: int
// mode: read
// One row per account with at least $min_events events, as parallel lists in time order: each
// post (POSTED: its language, client and text when the loader kept them) and each content id it
// shared with (SHARED: a time only), each content id once at its earliest time.
MATCH (a:Account)
CALL (a) {
  MATCH (a)-[:POSTED]->(p:Post)
  WHERE p.at IS NOT NULL
  RETURN coalesce(p.platform_id, p.key) AS content, p.at.epochMillis AS at,
         p.language AS language, p.client AS client, p.text AS text
  UNION
  MATCH (a)-[s:SHARED]->()
  WHERE s.at IS NOT NULL AND s.content_id IS NOT NULL
  RETURN s.content_id AS content, s.at.epochMillis AS at, null AS language, null AS client,
         null AS text
}
WITH a, content, min(at) AS at, max(language) AS language, max(client) AS client,
     max(text) AS text
ORDER BY at, content
WITH a, collect({at: at, language: language, client: client, text: text}) AS events
WHERE size(events) >= $min_events
RETURN a.key AS account, [e IN events | e.at] AS at_ms, [e IN events | e.language] AS languages,
       [e IN events | e.client] AS clients, [e IN events | e.text] AS texts
ORDER BY account
