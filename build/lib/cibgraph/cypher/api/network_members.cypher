// name: api/network_members
// answers: for each of these networks, which members (of these labels) does it have, strongest first, one page of them?
// params: networks: list, labels: list, skip: int, limit: int
// mode: read
// $labels ([] for any) is built from the API's enum of member kinds.
UNWIND $networks AS nk
MATCH (n:Network {key: nk})
CALL (n) {
  OPTIONAL MATCH (m)-[r:IN_NETWORK]->(n)
  WHERE size($labels) = 0 OR any(l IN labels(m) WHERE l IN $labels)
  WITH m, r ORDER BY r.score DESC, m.key
  WITH collect(CASE WHEN m IS NOT NULL THEN
    {label: [l IN labels(m) WHERE l IN ['Account', 'Page', 'Group']][0], key: m.key,
     props: properties(m), score: r.score, evidence: r.evidence} END) AS found
  RETURN size(found) AS total, found[$skip..$skip + $limit] AS members
}
RETURN nk AS network, total, members
