// name: load/remove_source_nodes
// answers: strips one batch of nodes of the given Source keys, deleting (with their links) those they alone brought
// params: sources: list, batch: int
// mode: write
// A node loaded from other files too keeps them; one with no source left is deleted with its
// relationships (detections' edges among them). Run again until `matched` is 0.
MATCH (n)
WHERE n.sources IS NOT NULL AND any(s IN n.sources WHERE s IN $sources)
WITH n LIMIT $batch
WITH n, [s IN n.sources WHERE NOT s IN $sources] AS rest
SET n.sources = rest
WITH n, size(rest) = 0 AS gone
CALL (n, gone) {
  WITH n, gone
  WHERE gone
  DETACH DELETE n
}
RETURN count(*) AS matched, sum(CASE WHEN gone THEN 1 ELSE 0 END) AS deleted
