"""Governance use cases: bodies and seats, rule sets, meetings and agendas, interests, votes
and decisions. Each function takes the caller's unit of work and never commits; a refused
request raises an ``IcsError`` before anything is written (or the caller's rollback undoes
what was flushed), and every change of the public record goes to the decision register in
the same transaction (``services.register_events``)."""
