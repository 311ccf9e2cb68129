// name: export/neighbourhood_ids
// answers: which nodes lie within $depth hops of this entity (the nearest $limit), for an export?
// params: key: string, label: string, depth: int, limit: int
// mode: read
// Breadth-first over every relationship type, each node once; $label (or null) picks one node
// when several labels share the key. `truncated` says more nodes were reachable.
MATCH (s:Account|Page|Group|IP|Subnet|Url|Domain|Hashtag|Post|Media|Campaign|DetectionRun|Network|Case|Note {key: $key})
WHERE $label IS NULL OR $label IN labels(s)
WITH collect(s) AS starts
WHERE size(starts) = 1
CALL apoc.path.expandConfig(starts[0], {
  minLevel: 0,
  maxLevel: $depth,
  uniqueness: 'NODE_GLOBAL',
  bfs: true,
  limit: $limit + 1
}) YIELD path
WITH collect(elementId(last(nodes(path)))) AS ids
RETURN ids[0..$limit] AS ids, size(ids) > $limit AS truncated
