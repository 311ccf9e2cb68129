// name: meta/entity_by_key
// answers: which node has this key, whatever its label, and where does it come from?
// params: key: string
// mode: read
MATCH (n {key: $key})
OPTIONAL MATCH (s:Source) WHERE s.key IN n.sources
RETURN labels(n) AS labels, properties(n) AS props, collect(s.key) AS sources
