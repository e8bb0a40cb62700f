"""Tests of the patient and omics loaders, pseudonymisation and the patient CLI."""
