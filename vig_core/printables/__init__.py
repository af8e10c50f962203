"""Pages for the family to keep: the strengths record, the celebration summary, the charts."""
