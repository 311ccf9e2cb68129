// name: meta/label_counts
// answers: how many nodes of each label does the database hold?
// params: none
// mode: read
MATCH (n)
UNWIND labels(n) AS label
RETURN label, count(*) AS nodes
ORDER BY label
