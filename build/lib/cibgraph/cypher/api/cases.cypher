// name: api/cases
// answers: which cases are there (with this status, or any when null), newest first, one page?
// params: status: string, skip: int, limit: int
// mode: read
OPTIONAL MATCH (c:Case)
WHERE $status IS NULL OR c.status = $status
WITH c ORDER BY c.created_at DESC, c.key
WITH collect(properties(c)) AS found
RETURN size(found) AS total, found[$skip..$skip + $limit] AS cases
