// name: detect/coordinated_with_ids
// answers: writes one batch of a run's coordinated-sharing edges (one direction, smaller key first)
// params: rows: list, run: string
// mode: write
// counts: rows
// A run's edges are always new, so they are created, between nodes found by internal id
// (`a`, `b`: elementId, from detect/account_ids); writing a run again first deletes its edges
// (detect/delete_run_edges). Returns how many rows found their two accounts.
UNWIND $rows AS row
MATCH (a) WHERE elementId(a) = row.a
MATCH (b) WHERE elementId(b) = row.b
CREATE (a)-[:COORDINATED_WITH {
  run: $run, weight: row.weight, avg_time_delta: row.avg_time_delta,
  n_content_id: row.n_content_id, n_content_id_y: row.n_content_id_y,
  edge_symmetry_score: row.edge_symmetry_score, weight_threshold: row.weight_threshold
}]->(b)
RETURN count(*) AS rows
