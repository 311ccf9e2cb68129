// name: detect/repurposed_findings
// answers: writes one batch of a run's REPURPOSED findings onto their accounts
// params: rows: list, run: string
// mode: write
// Each row: account, at_ms (the first event after the change point), aspects, changes.
UNWIND $rows AS row
MATCH (a:Account {key: row.account})
SET a.repurposed_run = $run, a.repurposed_at = datetime({epochMillis: row.at_ms}),
    a.repurposed_aspects = row.aspects, a.repurposed_changes = row.changes
