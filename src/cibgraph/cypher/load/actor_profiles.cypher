// name: load/actor_profiles
// answers: sets what a source format tells about an account, page or group (handle, name ...)
// params: rows: list, source: string, now: datetime
// labels: actor: Account|Page|Group
// mode: write
// counts: rows
// Each row: key (written by load/endpoints), props (missing values left out). $source and $now
// are stamped by load/endpoints already; they are declared so that every load query takes the
// same parameters.
UNWIND $rows AS row
MATCH (a:__actor__ {key: row.key})
SET a += row.props, a.last_loaded_at = $now,
    a.sources = CASE WHEN $source IN coalesce(a.sources, []) THEN a.sources
                     ELSE coalesce(a.sources, []) + $source END
RETURN count(*) AS rows
