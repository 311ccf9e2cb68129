// name: detect/fusion_coordination_edges
// answers: which coordinated-sharing edges did this run write, with their weights and its scope?
// params: run: string
// mode: read
// `scope` is the run's scope in words (object types, file, campaign), null for every share event.
OPTIONAL MATCH (d:DetectionRun {key: $run})
MATCH (a:Account)-[r:COORDINATED_WITH {run: $run}]->(b:Account)
RETURN a.key AS a, b.key AS b, r.weight AS weight, r.avg_time_delta AS avg_time_delta,
       r.p_value AS p_value, d.scope AS scope
