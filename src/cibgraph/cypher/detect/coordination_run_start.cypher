// name: detect/coordination_run_start
// answers: records that a coordinated-sharing detection run started, with its parameters
// params: run: string, kind: string, algorithm: string, time_window: int, min_participation: int, edge_weight: float, write_weight: int, engine: string, object_types: list, per_type: boolean, source: string, campaign: string, scope: string, started_at: datetime
// mode: write
// The scope (object_types, per_type, source, campaign, and `scope` in words) is null or empty
// for a run over every share event.
MERGE (r:DetectionRun {key: $run})
  ON CREATE SET r.kind = $kind, r.algorithm = $algorithm, r.time_window = $time_window,
                r.min_participation = $min_participation, r.edge_weight = $edge_weight,
                r.write_weight = $write_weight, r.engine = $engine,
                r.object_types = $object_types, r.per_type = $per_type, r.source = $source,
                r.campaign = $campaign, r.scope = $scope,
                r.started_at = $started_at, r.status = 'writing'
RETURN r.key AS run
