"""Section 75 pools, Better Care Fund and partner contribution tables (see migration 0008)."""

from __future__ import annotations
