// name: detect/repurposed_clear
// answers: removes the REPURPOSED findings earlier runs left on accounts (a run keeps only its own)
// params: run: string
// mode: write
MATCH (a:Account)
WHERE a.repurposed_run IS NOT NULL AND a.repurposed_run <> $run
REMOVE a.repurposed_run, a.repurposed_at, a.repurposed_aspects, a.repurposed_changes
RETURN count(a) AS cleared
