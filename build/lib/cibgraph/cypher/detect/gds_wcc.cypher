// name: detect/gds_wcc
// answers: which weakly connected component is each account of a projected graph in, counting only edges of at least the threshold weight?
// params: graph: string, threshold: float
// mode: write
// Write routing: see detect/gds_project.
CALL gds.wcc.stream($graph, {relationshipWeightProperty: 'weight', threshold: $threshold})
YIELD nodeId, componentId
RETURN gds.util.asNode(nodeId).key AS account, componentId AS component
