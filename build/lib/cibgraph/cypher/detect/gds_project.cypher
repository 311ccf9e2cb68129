// name: detect/gds_project
// answers: projects fused account-account edges into a named, undirected, weighted GDS graph
// params: graph: string, edges: list
// mode: write
// GDS graphs live in one server's memory: the projection and the algorithm that reads it are
// both sent with write routing so that a cluster runs them on the same member.
UNWIND $edges AS e
MATCH (a:Account {key: e.a})
MATCH (b:Account {key: e.b})
WITH gds.graph.project($graph, a, b, {relationshipProperties: {weight: e.weight}},
                       {undirectedRelationshipTypes: ['*']}) AS g
RETURN g.graphName AS graph, g.nodeCount AS nodes, g.relationshipCount AS relationships
