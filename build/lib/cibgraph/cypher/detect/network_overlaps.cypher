// name: detect/network_overlaps
// answers: how much do the audiences of these pages overlap, as a control run measured it?
// params: pages: list, run: string
// mode: read
MATCH (a:Page)-[r:AUDIENCE_OVERLAP {run: $run}]->(b:Page)
WHERE a.key IN $pages AND b.key IN $pages
RETURN a.key AS a, b.key AS b, r.jaccard AS jaccard, r.common AS common
ORDER BY jaccard DESC, a, b
