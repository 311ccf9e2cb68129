// name: load/endpoints
// answers: writes the nodes a file's relationships join (accounts, pages, shared objects), once per load
// params: rows: list, source: string, now: datetime
// labels: node: Account|Page|Group|Post|Url|Hashtag|Media|Domain
// mode: write
// counts: rows
// Each row: key, and for accounts, pages and groups platform, platform_id (and hashed for
// accounts), and for URLs original_url (the first spelling seen before normalisation); those are
// set when the node is created. A node already stamped with this load's $now is left alone: it
// is written once per load, however many rows name it, and writers of later batches never touch
// a node an earlier batch's relationships are being written to.
UNWIND $rows AS row
MERGE (n:__node__ {key: row.key})
  ON CREATE SET n.platform = row.platform, n.platform_id = row.platform_id,
                n.hashed = row.hashed, n.original_url = row.original_url,
                n.first_loaded_at = $now, n.last_loaded_at = $now, n.sources = [$source]
FOREACH (_ IN CASE WHEN coalesce(n.last_loaded_at <> $now, true) THEN [1] ELSE [] END |
  SET n.last_loaded_at = $now,
      n.sources = CASE WHEN $source IN coalesce(n.sources, []) THEN n.sources
                       ELSE coalesce(n.sources, []) + $source END)
RETURN count(*) AS rows
