// name: api/case_close
// answers: closes an open case with a resolution
// params: case: string, resolution: string, author: string, at: datetime
// mode: write
MATCH (c:Case {key: $case})
WHERE c.status = 'open'
SET c.status = 'closed', c.resolution = $resolution, c.closed_by = $author, c.closed_at = $at
RETURN properties(c) AS props
