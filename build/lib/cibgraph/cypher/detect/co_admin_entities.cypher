// name: detect/co_admin_entities
// answers: writes one batch of a run's edges between pages and groups run by common admins
// params: rows: list, run: string
// mode: write
// Each row: a, a_kind, b, b_kind ('page' or 'group'), weight (common admins), evidence (admin
// keys). Each label is matched in its own branch so both lookups use their key constraint.
UNWIND $rows AS row
CALL (row) {
  MATCH (p:Page {key: row.a}) WHERE row.a_kind = 'page' RETURN p AS a
  UNION
  MATCH (g:Group {key: row.a}) WHERE row.a_kind = 'group' RETURN g AS a
}
CALL (row) {
  MATCH (p:Page {key: row.b}) WHERE row.b_kind = 'page' RETURN p AS b
  UNION
  MATCH (g:Group {key: row.b}) WHERE row.b_kind = 'group' RETURN g AS b
}
MERGE (a)-[r:CO_ADMIN_WITH {run: $run}]->(b)
SET r.weight = row.weight, r.evidence = row.evidence
