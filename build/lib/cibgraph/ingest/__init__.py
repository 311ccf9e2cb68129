"""Loaders: real sources (IO archives, the neutral bundle, share events) into Neo4j."""
