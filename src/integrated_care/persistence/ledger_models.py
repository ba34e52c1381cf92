"""The ledger's tables (see migration 0006)."""

from __future__ import annotations
