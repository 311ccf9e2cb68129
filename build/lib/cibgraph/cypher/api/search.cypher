// name: api/search
// answers: which accounts, pages, groups and campaigns match this fulltext query, best first?
// params: text: string, labels: list, fetch: int, limit: int
// mode: read
// $text is an escaped Lucene query built by the API; $labels ([] for any) filters the hits.
CALL db.index.fulltext.queryNodes('entity_text', $text, {limit: $fetch}) YIELD node, score
WITH node, score, [l IN labels(node) WHERE l IN ['Account', 'Page', 'Group', 'Campaign']][0] AS label
WHERE size($labels) = 0 OR label IN $labels
RETURN label, node.key AS key, properties(node) AS props, score
ORDER BY score DESC, key
LIMIT $limit
