// name: detect/networks
// answers: writes one batch of a fusion run's networks, each linked from its run
// params: rows: list, run: string
// mode: write
// signals / signal_strengths are parallel lists (a property cannot hold a map), strongest first;
// significance is null when no fused signal had a permutation null.
MATCH (r:DetectionRun {key: $run})
UNWIND $rows AS row
MERGE (n:Network {key: row.key})
SET n.run = $run, n.rank = row.rank, n.score = row.score, n.size = row.size,
    n.pages = row.pages, n.groups = row.groups, n.explanation = row.explanation,
    n.signals = row.signals, n.signal_strengths = row.signal_strengths,
    n.significance = row.significance
MERGE (r)-[:PRODUCED]->(n)
