"""The public, tamper-evident decision register (RFC 6962 Merkle log, signed checkpoints).

Services append through ``RegisterStore`` (``store.py``) inside their unit of work; anyone
verifies an export with ``verify.py`` and the public key alone. See docs/register.md.
"""
