// name: detect/network_entities
// answers: which pages and groups do these accounts administer or belong to, and how many members do the groups have?
// params: members: list
// mode: read
UNWIND $members AS m
MATCH (a:Account {key: m})-[r:ADMIN_OF|MEMBER_OF]->(e)
WHERE e:Page OR e:Group
WITH e,
     collect(CASE WHEN type(r) = 'ADMIN_OF' THEN a.key + ' (' + coalesce(r.role, 'admin') + ')' END)
       AS admins,
     count(CASE WHEN type(r) = 'MEMBER_OF' THEN 1 END) AS members_in
RETURN e.key AS entity, CASE WHEN e:Page THEN 'page' ELSE 'group' END AS kind,
       coalesce(e.name, e.key) AS name, admins, members_in,
       COUNT { (:Account)-[:MEMBER_OF]->(e) } AS members_total
ORDER BY kind, entity
