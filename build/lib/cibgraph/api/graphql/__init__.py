"""The GraphQL API for investigation UIs: types, queries, mutations, per-request context."""
