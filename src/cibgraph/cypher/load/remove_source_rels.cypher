// name: load/remove_source_rels
// answers: strips one batch of relationships of the given Source keys, deleting those they alone brought
// params: sources: list, batch: int
// mode: write
// A relationship loaded from other files too keeps them (and its properties as last written);
// one with no source left is deleted. Run again until `matched` is 0.
MATCH ()-[r]->()
WHERE r.sources IS NOT NULL AND any(s IN r.sources WHERE s IN $sources)
WITH r LIMIT $batch
WITH r, [s IN r.sources WHERE NOT s IN $sources] AS rest
SET r.sources = rest
WITH r, size(rest) = 0 AS gone
CALL (r, gone) {
  WITH r, gone
  WHERE gone
  DELETE r
}
RETURN count(*) AS matched, sum(CASE WHEN gone THEN 1 ELSE 0 END) AS deleted
