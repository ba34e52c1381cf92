"""Pydantic models of the REST API, one module per domain (request ``XCreate``, reply ``XRead``)."""
