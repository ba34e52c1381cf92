"""Rule sets shipped as data: ``load("nottingham_icb_board")`` and ``names()``.

The JSON files here follow the shape documented in ``integrated_care.governance.rules``.
Reading a packaged file is the only I/O in the governance core, kept apart from the pure
rule code.
"""

from __future__ import annotations

import json
from importlib import resources

from integrated_care.errors import NotFound
from integrated_care.governance.rule_set import RuleSet
from integrated_care.governance.rule_set_data import parse_rule_set

NOTTINGHAM_ICB_BOARD = "nottingham_icb_board"
STANDARD_MAJORITY = "standard_majority"


def names() -> list[str]:
    """The packaged rule sets, by file name without ``.json``."""
    folder = resources.files(__package__)
    return sorted(
        p.name.removesuffix(".json") for p in folder.iterdir() if p.name.endswith(".json")
    )


def load(name: str) -> RuleSet:
    """A packaged rule set, parsed (so a malformed file fails loudly, naming the field)."""
    if name not in names():
        raise NotFound("rule set", name, input_name="rule_set", candidates=names())
    text = resources.files(__package__).joinpath(f"{name}.json").read_text(encoding="utf-8")
    return parse_rule_set(json.loads(text))
