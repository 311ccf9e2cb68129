// name: detect/run_start
// answers: records that a detection run of some kind started, with its parameters
// params: run: string, kind: string, algorithm: string, params: map, started_at: datetime
// mode: write
// The parameters become properties of the run (flat values only), so runs of one kind can be
// compared by them; MERGE on the run key makes a repeated start harmless.
MERGE (r:DetectionRun {key: $run})
  ON CREATE SET r += $params, r.kind = $kind, r.algorithm = $algorithm,
                r.started_at = $started_at, r.status = 'writing'
RETURN r.key AS run
