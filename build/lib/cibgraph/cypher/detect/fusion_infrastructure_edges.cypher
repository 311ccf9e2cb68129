// name: detect/fusion_infrastructure_edges
// answers: which shared-infrastructure edges did this run write, with their weights and IPs?
// params: run: string
// mode: read
MATCH (a:Account)-[r:SHARES_INFRA_WITH {run: $run}]->(b:Account)
RETURN a.key AS a, b.key AS b, r.weight AS weight, r.shared_ips AS shared_ips,
       r.evidence AS evidence
