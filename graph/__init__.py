"""The Neo4j layer: settings, the driver, the schema, the query registry and the local server."""
