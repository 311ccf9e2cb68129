// name: detect/fusion_repurposed_edges
// answers: which links between accounts repurposed in the same weeks did this run write?
// params: run: string
// mode: read
MATCH (a:Account)-[r:REPURPOSED_WITH {run: $run}]->(b:Account)
RETURN a.key AS a, b.key AS b, r.weight AS weight, r.common AS common,
       r.days_apart AS days_apart, r.a_at.epochMillis AS a_at, r.b_at.epochMillis AS b_at
