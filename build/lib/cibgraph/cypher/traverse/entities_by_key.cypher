// name: traverse/entities_by_key
// answers: which nodes carry this key, and with which labels? (one, or several when labels share a key space)
// params: key: string
// mode: read
// The label disjunction is every NodeLabel (graph/schema.py): each label's unique key index is
// searched, instead of scanning every node.
MATCH (n:Account|Page|Group|IP|Subnet|Url|Domain|Hashtag|Post|Media|Campaign|Source|DetectionRun|Network|Case|Note {key: $key})
RETURN n.key AS key, labels(n) AS labels
ORDER BY labels
