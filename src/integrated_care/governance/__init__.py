"""Governance: bodies and seats, decision rules, meetings, interests, votes, consultations and
the public, tamper-evident decision register. The core here is pure: no I/O."""
