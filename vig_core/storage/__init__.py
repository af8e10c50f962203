"""Everything that touches the data folder: the only layer that writes there."""
