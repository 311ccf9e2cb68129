// name: export/edges
// answers: every relationship between two selected nodes, with its ends and properties, grouped by end labels and type
// params: ids: list
// mode: read
// The followers of each end come along so that a redacted export can tell small accounts.
UNWIND $ids AS id
MATCH (a)-[r]->(b)
WHERE elementId(a) = id AND elementId(b) IN $ids
RETURN a.key AS start, labels(a) AS start_labels, b.key AS end, labels(b) AS end_labels,
       type(r) AS type, properties(r) AS props
ORDER BY start_labels, type, end_labels, start, end, elementId(r)
