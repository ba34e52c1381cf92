"""Single pot, delegation and duty tables (see migration 0007)."""

from __future__ import annotations
