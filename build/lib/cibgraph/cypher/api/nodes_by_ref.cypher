// name: api/nodes_by_ref
// answers: which nodes do these (label, key) references name, with their properties?
// params: refs: list
// mode: read
// Each ref is {label, key}. The label disjunction lists every label the API exposes (never
// ApiKey or Source), so each label's unique key index is searched instead of every node.
UNWIND $refs AS ref
MATCH (n:Account|Page|Group|IP|Subnet|Url|Domain|Hashtag|Post|Media|Campaign|DetectionRun|Network|Case|Note {key: ref.key})
WHERE ref.label IN labels(n)
RETURN ref.label AS label, n.key AS key, properties(n) AS props
