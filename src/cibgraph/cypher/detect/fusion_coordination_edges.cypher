// name: detect/fusion_coordination_edges
// answers: which coordinated-sharing edges did this run write, with their weights?
// params: run: string
// mode: read
MATCH (a:Account)-[r:COORDINATED_WITH {run: $run}]->(b:Account)
RETURN a.key AS a, b.key AS b, r.weight AS weight, r.avg_time_delta AS avg_time_delta,
       r.p_value AS p_value
