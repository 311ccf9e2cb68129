"""Detection: signals of coordination computed from the graph and written back with evidence."""
