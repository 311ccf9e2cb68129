// name: detect/gds_drop
// answers: drops a projected GDS graph (no error when it is already gone)
// params: graph: string
// mode: write
CALL gds.graph.drop($graph, false) YIELD graphName
RETURN graphName
