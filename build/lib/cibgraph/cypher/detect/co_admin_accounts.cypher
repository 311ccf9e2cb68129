// name: detect/co_admin_accounts
// answers: writes one batch of a run's co-administration edges between accounts (smaller key first)
// params: rows: list, run: string
// mode: write
// evidence: the pages and groups both accounts administer (at most a few).
UNWIND $rows AS row
MATCH (a:Account {key: row.a})
MATCH (b:Account {key: row.b})
MERGE (a)-[r:CO_ADMIN_WITH {run: $run}]->(b)
SET r.weight = row.weight, r.evidence = row.evidence
