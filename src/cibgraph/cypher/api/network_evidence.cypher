// name: api/network_evidence
// answers: for each of these networks, which detection edges between its members are strongest, per signal?
// params: networks: list, types: list, per_signal: int
// mode: read
// Each detection edge is stored once (one direction), so matching it outgoing counts it once.
// $types are the relationship types the detections write (the signal registry's
// detection_types(), which the API passes).
UNWIND $networks AS nk
MATCH (n:Network {key: nk})
CALL (n) {
  MATCH (a)-[:IN_NETWORK]->(n)
  MATCH (a)-[d]->(b)
  WHERE type(d) IN $types AND (b)-[:IN_NETWORK]->(n)
  WITH type(d) AS signal, a, b, d ORDER BY d.weight DESC, a.key, b.key
  WITH signal, collect({a_label: labels(a)[0], a: a.key, b_label: labels(b)[0], b: b.key,
                        weight: d.weight, props: properties(d)})[0..$per_signal] AS edges
  ORDER BY signal
  RETURN collect({signal: signal, edges: edges}) AS signals
}
RETURN nk AS network, signals
