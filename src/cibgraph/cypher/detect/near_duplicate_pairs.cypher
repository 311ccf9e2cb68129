// name: detect/near_duplicate_pairs
// answers: which pairs of posts with near-copies of a text tie these two accounts in this run?
// params: a: string, b: string, run: string
// mode: read
// The evidence listing of one NEAR_DUPLICATE_WITH edge (at most 20 pairs were written per edge).
MATCH (x:Account {key: $a})-[:POSTED]->(p:Post)-[e:NEAR_DUPLICATE_OF {run: $run}]-(q:Post)
      <-[:POSTED]-(y:Account {key: $b})
WITH p, q, e, startNode(e) = p AS a_first
RETURN CASE WHEN a_first THEN p.at ELSE q.at END AS earlier_at,
       p.key AS a_post, p.at AS a_at, p.text AS a_text,
       q.key AS b_post, q.at AS b_at, q.text AS b_text,
       null AS object, e.delta AS delta, e.similarity AS similarity
ORDER BY similarity DESC, earlier_at, a_post, b_post
