// name: traverse/shortest_paths
// answers: which shortest paths (at most $max_length hops, of the allowed types) join two entities?
// params: from_key: string, from_label: string, to_key: string, to_label: string, types: list, max_length: int, max_paths: int
// mode: read
// Relationships are followed in either direction. Cypher needs a literal bound, so the search
// stops at 6 hops (the API's maximum) and $max_length is applied to the result: every shortest
// path has the same length, so the paths kept are exactly the shortest ones within $max_length.
// The length test sits after the match so that it cannot turn the search into an exhaustive one.
MATCH (a:Account|Page|Group|IP|Subnet|Url|Domain|Hashtag|Post|Media|Campaign|Source|DetectionRun|Network|Case|Note {key: $from_key})
WHERE $from_label IS NULL OR $from_label IN labels(a)
WITH collect(a) AS froms
WHERE size(froms) = 1
MATCH (b:Account|Page|Group|IP|Subnet|Url|Domain|Hashtag|Post|Media|Campaign|Source|DetectionRun|Network|Case|Note {key: $to_key})
WHERE $to_label IS NULL OR $to_label IN labels(b)
WITH froms[0] AS a, collect(b) AS tos
WHERE size(tos) = 1 AND a <> tos[0]
WITH a, tos[0] AS b
MATCH p = allShortestPaths((a)-[*..6]-(b))
WHERE all(r IN relationships(p) WHERE type(r) IN $types)
WITH p
WHERE length(p) <= $max_length
RETURN [n IN nodes(p) | {key: n.key, labels: labels(n), props: properties(n)}] AS nodes,
       [r IN relationships(p) |
         {id: elementId(r), type: type(r), start: startNode(r).key, end: endNode(r).key,
          props: properties(r)}] AS edges
LIMIT $max_paths
