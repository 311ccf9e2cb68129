// name: detect/coordination_significance
// answers: writes one batch of a coordination run's p-values and z-scores from its permutation null
// params: rows: list, run: string, permutations: int, seed: int
// mode: write
// Each row: a, b (the edge's accounts, smaller key first), p_value, z (null when it never varied).
MATCH (r:DetectionRun {key: $run})
SET r.null_permutations = $permutations, r.seed = $seed
WITH r
UNWIND $rows AS row
MATCH (:Account {key: row.a})-[c:COORDINATED_WITH {run: $run}]->(:Account {key: row.b})
SET c.p_value = row.p_value, c.z = row.z
