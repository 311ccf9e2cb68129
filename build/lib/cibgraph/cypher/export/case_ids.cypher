// name: export/case_ids
// answers: which nodes make up this case for an export: the Case, what it is about, its notes, and the members of its networks?
// params: case: string
// mode: read
// A case names its entities with ABOUT relationships (either way round); notes are about the
// case or about one of its entities. A Network in the case brings its members along.
MATCH (c:Case {key: $case})
CALL (c) {
  MATCH (c)-[:ABOUT]-(e)
  RETURN e
  UNION
  MATCH (c)-[:ABOUT]-(:Network)<-[:IN_NETWORK]-(e)
  RETURN e
  UNION
  MATCH (c)-[:ABOUT]-(x)<-[:ABOUT]-(e:Note)
  RETURN e
}
WITH c, collect(DISTINCT elementId(e)) AS ids
RETURN [elementId(c)] + [i IN ids WHERE i <> elementId(c)] AS ids
