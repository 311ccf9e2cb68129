// name: detect/gds_version
// answers: which Graph Data Science version does the server run (fails when it has none)?
// params: none
// mode: read
RETURN gds.version() AS version
