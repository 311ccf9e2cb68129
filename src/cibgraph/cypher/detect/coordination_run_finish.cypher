// name: detect/coordination_run_finish
// answers: closes a detection run with its counts, once all its edges are written
// params: run: string, finished_at: datetime, share_events: int, coordinated_pairs: int, accounts: int, edges: int, edges_written: int, edges_above_threshold: int, weight_quantile: float
// mode: write
MATCH (r:DetectionRun {key: $run})
SET r.finished_at = $finished_at, r.status = 'complete', r.share_events = $share_events,
    r.coordinated_pairs = $coordinated_pairs, r.accounts = $accounts, r.edges = $edges,
    r.edges_written = $edges_written,
    r.edges_above_threshold = $edges_above_threshold, r.weight_quantile = $weight_quantile
RETURN r.key AS run
