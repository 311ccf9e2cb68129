// name: api/network_members
// answers: for each of these networks, which members (of these labels) does it have, strongest first, one page of them?
// params: networks: list, labels: list, skip: int, limit: int, props: list, with_network: bool
// mode: read
// $labels ([] for any) is built from the API's enum of member kinds. Members are ordered and
// counted as nodes; only the page's members are read, and of them only the properties $props
// names (null: all of them; the API asks for those the client selected). With $with_network,
// each row also carries the network's own properties, so that a request for one network and a
// page of its members is one statement.
UNWIND $networks AS nk
MATCH (n:Network {key: nk})
CALL (n) {
  MATCH (m)-[r:IN_NETWORK]->(n)
  WHERE size($labels) = 0 OR any(l IN labels(m) WHERE l IN $labels)
  WITH m, r ORDER BY r.score DESC, m.key
  RETURN collect([m, r]) AS found
}
RETURN nk AS network,
       CASE WHEN $with_network THEN properties(n) END AS props,
       size(found) AS total,
       [p IN found[$skip..$skip + $limit] |
         {label: [l IN labels(p[0]) WHERE l IN ['Account', 'Page', 'Group']][0], key: p[0].key,
          props: CASE WHEN $props IS NULL THEN properties(p[0])
                 ELSE apoc.map.fromLists($props, [k IN $props | p[0][k]]) END,
          score: p[1].score, evidence: p[1].evidence}] AS members
