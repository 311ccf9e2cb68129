// name: api/case_create
// answers: opens a new investigation case
// params: key: string, title: string, description: string, author: string, at: datetime
// mode: write
CREATE (c:Case {key: $key, title: $title, description: $description, status: 'open',
                created_by: $author, created_at: $at})
RETURN properties(c) AS props
