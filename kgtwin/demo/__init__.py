"""The demo: real data shipped with kgtwin, run end to end by ``kgtwin demo``."""
