"""The Criminal networks page: which groups act where, how they link, and which to look at first
(docs/networks.md).

The actor register with its aliases, suggestions
and reversible merges (register.py); who an actor's name may be shown to (names.py); the link graph
of actors, areas, markets and corridors (graph.py, figures.py); one group's activity (group.py); and
the ranking of criminal groups on E4J/Europol-style criteria (ranking.py)."""
