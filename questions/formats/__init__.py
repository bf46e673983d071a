"""Readers and writers for the question bank file formats (XLSX, CSV, Aiken, YAML)."""
