"""The double-entry ledger (pure part): accounts, journals of balanced legs, commitments.

``model`` holds the types every finance use case shares; ``rules`` checks a journal before it
is written. The database enforces the same balance rule again (see migration 0006), so a
bug here cannot write an unbalanced journal.
"""
