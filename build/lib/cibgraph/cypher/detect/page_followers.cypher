// name: detect/page_followers
// answers: which accounts follow each page?
// params: none
// mode: read
MATCH (a:Account)-[:FOLLOWS]->(p:Page)
RETURN p.key AS page, collect(DISTINCT a.key) AS followers
ORDER BY page
