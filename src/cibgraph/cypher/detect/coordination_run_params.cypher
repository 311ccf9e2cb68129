// name: detect/coordination_run_params
// answers: with which parameters and scope did this coordination run detect its network?
// params: run: string
// mode: read
MATCH (r:DetectionRun {key: $run, kind: 'coordination'})
RETURN r.time_window AS time_window, r.min_participation AS min_participation,
       r.edge_weight AS edge_weight, r.engine AS engine,
       coalesce(r.object_types, []) AS object_types, coalesce(r.per_type, false) AS per_type,
       coalesce(r.source, '') AS source, coalesce(r.campaign, '') AS campaign
