"""Benchmarks for integrated-care: ``python -m benchmarks.run`` (see README.md)."""
