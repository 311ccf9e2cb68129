// name: detect/admin_links
// answers: which accounts administer each page and group?
// params: none
// mode: read
MATCH (a:Account)-[:ADMIN_OF]->(e)
WHERE e:Page OR e:Group
RETURN e.key AS entity, CASE WHEN e:Page THEN 'page' ELSE 'group' END AS kind,
       collect(DISTINCT a.key) AS admins
ORDER BY kind, entity
