// name: detect/account_ids
// answers: what are these accounts' internal ids (for creating a run's edges)?
// params: keys: list
// mode: read
UNWIND $keys AS key
MATCH (a:Account {key: key})
RETURN key, elementId(a) AS id
