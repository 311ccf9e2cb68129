// name: export/nodes
// answers: the key, labels and properties of each selected node, in a stable order, for streaming an export
// params: ids: list
// mode: read
UNWIND $ids AS id
MATCH (n)
WHERE elementId(n) = id
RETURN n.key AS key, labels(n) AS labels, properties(n) AS props
ORDER BY labels, key
