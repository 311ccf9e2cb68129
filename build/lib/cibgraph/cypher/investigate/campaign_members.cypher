// name: investigate/campaign_members
// answers: which accounts, pages, groups and IPs are attributed to this campaign?
// params: campaign: string, limit: int
// mode: read
MATCH (e:Account|Page|Group|IP)-[r:ATTRIBUTED_TO]->(:Campaign {key: $campaign})
RETURN e.key AS entity, labels(e)[0] AS label, e.handle AS handle, e.name AS name,
       e.platform AS platform, r.note AS note
ORDER BY label, entity
LIMIT $limit
