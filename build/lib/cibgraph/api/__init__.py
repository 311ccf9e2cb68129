"""cibgraph's front doors: the GraphQL API and the `cibgraph` command line."""
