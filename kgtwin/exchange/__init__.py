"""Exchange formats a store can be written to: KGX TSV, RDF (Turtle, N-Triples), GraphML."""
