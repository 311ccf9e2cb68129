// name: detect/delete_run_edges
// answers: removes up to $limit coordinated-sharing edges of one run (call until 0 are left)
// params: run: string, limit: int
// mode: write
// Used before a run is written again, so that its edges are replaced rather than doubled.
MATCH ()-[c:COORDINATED_WITH {run: $run}]->()
WITH c LIMIT $limit
DELETE c
RETURN count(*) AS deleted
