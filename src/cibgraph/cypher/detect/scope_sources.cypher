// name: detect/scope_sources
// answers: which loaded files does this reference name (a Source's key, sha256, file name or path)?
// params: ref: string
// mode: read
MATCH (s:Source)
WHERE s.key = $ref OR s.sha256 = $ref OR s.name = $ref OR s.path = $ref
RETURN s.key AS key, s.name AS name, s.loaded_at AS loaded_at
ORDER BY key
