"""Demo data shipped with kgtwin: a knowledge base and synthetic patients (subpackages)."""
