// name: log/graph_state
// answers: how many share events does the graph hold, and from which loaded files?
// params: none
// mode: read
// What the share log is checked against (cibgraph.sharelog): both counts come from the count
// store and a handful of Source nodes, so the check costs nothing however large the graph.
RETURN COUNT { ()-[:SHARED]->() } AS shares,
       COLLECT { MATCH (s:Source) RETURN s.key } AS sources
