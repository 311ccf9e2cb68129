// name: api/network_evidence
// answers: for each of these networks, which detection edges between its members are strongest, per signal?
// params: networks: list, types: list, per_signal: int
// mode: read
// Each detection edge is stored once (one direction), so matching it outgoing counts it once.
// $types are the relationship types the detections write (the signal registry's
// detection_types(), which the API passes). The ends' properties come with each edge, so the
// API answers `source` and `target` without another query.
UNWIND $networks AS nk
MATCH (n:Network {key: nk})
CALL (n) {
  MATCH (a)-[:IN_NETWORK]->(n)
  MATCH (a)-[d]->(b)
  WHERE type(d) IN $types AND (b)-[:IN_NETWORK]->(n)
  WITH type(d) AS signal, a, b, d ORDER BY d.weight DESC, a.key, b.key
  WITH signal, collect([a, b, d])[0..$per_signal] AS top
  ORDER BY signal
  RETURN collect({signal: signal, edges: [t IN top |
    {a_label: labels(t[0])[0], a: t[0].key, b_label: labels(t[1])[0], b: t[1].key,
     weight: t[2].weight, props: properties(t[2]), a_props: properties(t[0]),
     b_props: properties(t[1])}]}) AS signals
}
RETURN nk AS network, signals
