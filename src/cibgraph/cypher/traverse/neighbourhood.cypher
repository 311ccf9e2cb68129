// name: traverse/neighbourhood
// answers: which nodes lie within $depth hops of this entity, and which relationships join them?
// params: key: string, label: string, rel_filter: string, label_filter: string, types: list, depth: int, limit: int, edge_limit: int, node_props: list, edge_props: bool
// mode: read
// $rel_filter and $label_filter are APOC path filters that graph/traversals.py builds from the
// RelType and NodeLabel enums only ('USED_IP>|SHARED>', '+Account|+IP'; '' for no label filter);
// $types lists the same relationship types. $label (or null) picks one node when several labels
// use the key. The walk is breadth-first and visits each node once, so the first $limit nodes
// are the nearest ones; asking for one more tells whether more were reachable. The edges are
// every relationship of the allowed types between two returned nodes, at most $edge_limit.
// $node_props names the node properties to return (null: all of them) and $edge_props whether
// to return the relationships' properties: the API asks only for what the client selected,
// since reading and decoding unselected properties (times above all) was most of a request.
MATCH (s:Account|Page|Group|IP|Subnet|Url|Domain|Hashtag|Post|Media|Campaign|Source|DetectionRun|Network|Case|Note {key: $key})
WHERE $label IS NULL OR $label IN labels(s)
WITH collect(s) AS starts
WHERE size(starts) = 1
CALL apoc.path.expandConfig(starts[0], {
  relationshipFilter: $rel_filter,
  labelFilter: $label_filter,
  minLevel: 0,
  maxLevel: $depth,
  uniqueness: 'NODE_GLOBAL',
  bfs: true,
  limit: $limit + 1
}) YIELD path
WITH collect(path) AS paths
WITH paths[0..$limit] AS kept, size(paths) > $limit AS truncated
WITH [p IN kept | last(nodes(p))] AS ns, [p IN kept | length(p)] AS depths, truncated
CALL (ns) {
  UNWIND ns AS a
  MATCH (a)-[r]->(b)
  WHERE type(r) IN $types AND b IN ns
  WITH r
  LIMIT $edge_limit + 1
  RETURN collect(r) AS rels
}
RETURN [i IN range(0, size(ns) - 1) |
         {key: ns[i].key, labels: labels(ns[i]), depth: depths[i],
          props: CASE WHEN $node_props IS NULL THEN properties(ns[i])
                 ELSE apoc.map.fromLists($node_props, [k IN $node_props | ns[i][k]]) END}]
         AS nodes,
       [r IN rels[0..$edge_limit] |
         {id: elementId(r), type: type(r), start: startNode(r).key, end: endNode(r).key,
          props: CASE WHEN $edge_props THEN properties(r) ELSE {} END}] AS edges,
       truncated,
       size(rels) > $edge_limit AS edges_truncated
