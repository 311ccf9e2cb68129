// name: load/source
// answers: records one loaded file (its hash, loader and row counts) as a Source node
// params: key: string, props: map
// mode: write
MERGE (s:Source {key: $key})
SET s += $props
