// name: export/provenance
// answers: which loaded files (Source nodes) and detection runs stand behind the selected nodes and the relationships between them?
// params: ids: list
// mode: read
// Runs are the `run` values of the selected nodes and relationships, and the signal runs a
// fusion run names in its `<signal>_run` parameters. Linear in the selection: each node and
// each relationship among the selection gives one row, every source key is unwound once and
// de-duplicated by collect(DISTINCT), never by concatenating lists.
UNWIND $ids AS id
MATCH (n)
WHERE elementId(n) = id
CALL (n) {
  RETURN n.run AS run, n.sources AS sources
  UNION ALL
  MATCH (n)-[r]->(m)
  WHERE elementId(m) IN $ids
  RETURN r.run AS run, r.sources AS sources
}
UNWIND CASE WHEN sources IS NULL OR size(sources) = 0 THEN [null] ELSE sources END AS source
WITH collect(DISTINCT run) AS run_keys, collect(DISTINCT source) AS source_keys
CALL (source_keys) {
  UNWIND source_keys AS k
  MATCH (s:Source {key: k})
  WITH s ORDER BY s.key
  RETURN collect(properties(s)) AS sources
}
CALL (run_keys) {
  UNWIND run_keys AS k
  MATCH (r:DetectionRun {key: k})
  UNWIND [x IN keys(r) WHERE x ENDS WITH '_run' | r[x]] + [r.key] AS k2
  WITH DISTINCT k2
  MATCH (r2:DetectionRun {key: k2})
  WITH r2 ORDER BY r2.key
  RETURN collect(properties(r2)) AS runs
}
RETURN sources, runs
