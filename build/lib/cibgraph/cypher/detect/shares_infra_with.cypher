// name: detect/shares_infra_with
// answers: writes one batch of a run's shared-infrastructure edges (smaller account key first)
// params: rows: list, run: string
// mode: write
// Keyed by run: writing a batch again updates its edges instead of duplicating them.
UNWIND $rows AS row
MATCH (a:Account {key: row.a})
MATCH (b:Account {key: row.b})
MERGE (a)-[r:SHARES_INFRA_WITH {run: $run}]->(b)
SET r.weight = row.weight,
    r.shared_ips = row.shared_ips,
    r.overlapping_ips = row.overlapping_ips,
    r.evidence = row.evidence
