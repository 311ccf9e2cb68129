// name: detect/coordinated_with
// answers: writes one batch of a run's coordinated-sharing edges (one direction, smaller key first)
// params: rows: list, run: string
// mode: write
// Keyed by run: writing a batch again updates its edges instead of duplicating them. A run
// written by detection creates its edges by internal id instead (detect/coordinated_with_ids).
UNWIND $rows AS row
MATCH (a:Account {key: row.account})
MATCH (b:Account {key: row.other})
MERGE (a)-[c:COORDINATED_WITH {run: $run}]->(b)
SET c.weight = row.weight,
    c.avg_time_delta = row.avg_time_delta,
    c.n_content_id = row.n_content_id,
    c.n_content_id_y = row.n_content_id_y,
    c.edge_symmetry_score = row.edge_symmetry_score,
    c.weight_threshold = row.weight_threshold
