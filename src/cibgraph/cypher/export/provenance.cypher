// name: export/provenance
// answers: which loaded files (Source nodes) and detection runs stand behind the selected nodes and the relationships between them?
// params: ids: list
// mode: read
// Runs are the `run` values of the selected nodes and relationships, and the signal runs a
// fusion run names in its `<signal>_run` parameters.
UNWIND $ids AS id
MATCH (n)
WHERE elementId(n) = id
OPTIONAL MATCH (n)-[r]->(m)
WHERE elementId(m) IN $ids
WITH collect(DISTINCT n.run) + collect(DISTINCT r.run) AS run_keys,
     collect(n.sources) + collect(r.sources) AS source_lists
WITH run_keys, reduce(acc = [], l IN source_lists | acc + l) AS source_keys
CALL (source_keys) {
  UNWIND source_keys AS k
  WITH DISTINCT k
  MATCH (s:Source {key: k})
  WITH s ORDER BY s.key
  RETURN collect(properties(s)) AS sources
}
CALL (run_keys) {
  UNWIND run_keys AS k
  WITH DISTINCT k
  MATCH (r:DetectionRun {key: k})
  WITH collect(r) AS direct
  UNWIND direct AS r
  UNWIND [x IN keys(r) WHERE x ENDS WITH '_run' | r[x]] + [r.key] AS k2
  WITH DISTINCT k2
  MATCH (r2:DetectionRun {key: k2})
  WITH r2 ORDER BY r2.key
  RETURN collect(properties(r2)) AS runs
}
RETURN sources, runs
