"""Rule sets: load (from a JSON file or a packaged name), keep every version, assign to a body.

A rule set is stored under its own name and version. Loading the same name and version again
with the same content changes nothing; with different content it is refused (a new version
never overwrites an old one: give it a new version number). A body is assigned one version
explicitly, and every decision records the version it was decided under.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

from integrated_care.access import Actor, Permission, require
from integrated_care.errors import Conflict, InvalidInput, NotFound
from integrated_care.governance.rules import RuleSet, parse_rule_set, rule_set_to_data
from integrated_care.persistence.governance_models import GovBodyRow, GovRuleSetRow
from integrated_care.persistence.types import utc_now
from integrated_care.persistence.uow import UnitOfWork
from integrated_care.services.governance.common import audit, body_row, repo

PACKAGE = "integrated_care.governance"
FOLDER = "rulesets"


@dataclass(frozen=True, slots=True)
class StoredRuleSet:
    name: str
    version: int
    digest: str
    rule_set: RuleSet
    data: dict[str, Any]
    loaded_at: datetime
    loaded_by: str
    created: bool = False  # True when this call stored it


def packaged_names() -> list[str]:
    """Names of the rule sets shipped with the package (e.g. ``nottingham_icb_board``)."""
    folder = resources.files(PACKAGE) / FOLDER
    if not folder.is_dir():
        return []
    return sorted(
        p.name.removesuffix(".json") for p in folder.iterdir() if p.name.endswith(".json")
    )


def _decode(text: str, source: str, input_name: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise InvalidInput(
            f"The rule set {source} is not valid JSON ({exc}).",
            input_name=input_name,
            expected="a JSON rule set object (see docs/governance.md)",
        ) from None
    if not isinstance(data, dict):
        raise InvalidInput(
            f"The rule set {source} is not a JSON object.",
            input_name=input_name,
            expected="a JSON rule set object (see docs/governance.md)",
        )
    return data


def packaged_data(name: str) -> dict[str, Any]:
    names = packaged_names()
    if name not in names:
        raise NotFound("packaged rule set", name, input_name="name", candidates=names)
    text = (resources.files(PACKAGE) / FOLDER / f"{name}.json").read_text("utf-8")
    return _decode(text, f"'{name}'", "name")


def file_data(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(
            f"Cannot read the rule set file {path} ({exc.__class__.__name__}).",
            input_name="file",
            expected="a readable UTF-8 JSON file",
        ) from None
    return _decode(text, f"file {path}", "file")


def canonical(rule_set: RuleSet) -> tuple[dict[str, Any], str]:
    """The rule set's data shape and the SHA-256 of its canonical JSON."""
    data = rule_set_to_data(rule_set)
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return data, hashlib.sha256(text.encode("utf-8")).hexdigest()


def _stored(row: GovRuleSetRow, *, created: bool = False) -> StoredRuleSet:
    return StoredRuleSet(
        row.name,
        row.version,
        row.digest,
        parse_rule_set(row.data),
        dict(row.data),
        row.loaded_at,
        row.loaded_by,
        created,
    )


def load_rule_set(
    uow: UnitOfWork, system_code: str, data: Mapping[str, Any], *, actor: Actor
) -> StoredRuleSet:
    """Validate and store one rule-set version; ``InvalidInput`` if it is malformed."""
    require(actor, Permission.MANAGE_GOVERNANCE)
    rule_set = parse_rule_set(data)
    canonical_data, digest = canonical(rule_set)
    gov = repo(uow)
    existing = gov.rule_set(system_code, rule_set.name, rule_set.version)
    if existing is not None:
        if existing.digest == digest:
            return _stored(existing)
        latest = gov.latest_rule_set(system_code, rule_set.name)
        raise Conflict(
            f"Rule set '{rule_set.name}' version {rule_set.version} is already stored with "
            "different content; a stored version is never overwritten.",
            input_name="version",
            expected=f"a new version number (the latest is {latest.version if latest else 0})",
        )
    row = gov.add(
        GovRuleSetRow(
            system_code=system_code,
            name=rule_set.name,
            version=rule_set.version,
            data=canonical_data,
            digest=digest,
            loaded_at=utc_now(),
            loaded_by=actor.name,
        )
    )
    audit(
        uow,
        actor,
        system_code,
        f"governance/rule-sets/{rule_set.name}/{rule_set.version}",
        use_case="load_rule_set",
        digest=digest,
    )
    return _stored(row, created=True)


def load_packaged(uow: UnitOfWork, system_code: str, name: str, *, actor: Actor) -> StoredRuleSet:
    require(actor, Permission.MANAGE_GOVERNANCE)
    return load_rule_set(uow, system_code, packaged_data(name), actor=actor)


def load_file(uow: UnitOfWork, system_code: str, path: Path, *, actor: Actor) -> StoredRuleSet:
    require(actor, Permission.MANAGE_GOVERNANCE)
    return load_rule_set(uow, system_code, file_data(path), actor=actor)


def get_rule_set(
    uow: UnitOfWork, system_code: str, name: str, version: int | None = None
) -> StoredRuleSet:
    gov = repo(uow)
    if gov.latest_rule_set(system_code, name) is None and name in packaged_names():
        # A packaged file name (nottingham_icb_board) stands for the rule set it holds.
        packaged = packaged_data(name).get("name")
        name = packaged if isinstance(packaged, str) else name
    row = (
        gov.latest_rule_set(system_code, name)
        if version is None
        else gov.rule_set(system_code, name, version)
    )
    if row is None:
        stored = gov.rule_sets(system_code)
        if version is not None and any(r.name == name for r in stored):
            raise NotFound(
                f"version of rule set '{name}'",
                str(version),
                input_name="version",
                candidates=[str(r.version) for r in stored if r.name == name],
            )
        raise NotFound(
            "rule set",
            name,
            input_name="rule set",
            candidates=[r.name for r in stored],
            expected="a loaded rule set ('ics governance rules load')",
        )
    return _stored(row)


def list_rule_sets(uow: UnitOfWork, system_code: str) -> list[StoredRuleSet]:
    return [_stored(r) for r in repo(uow).rule_sets(system_code)]


def assign_rule_set(
    uow: UnitOfWork,
    system_code: str,
    body_code: str,
    name: str,
    version: int | None = None,
    *,
    actor: Actor,
) -> StoredRuleSet:
    """Make a body decide under one stored version (the latest if none is named)."""
    require(actor, Permission.MANAGE_GOVERNANCE)
    body = body_row(uow, system_code, body_code)
    stored = get_rule_set(uow, system_code, name, version)
    body.rule_set_name = stored.name
    body.rule_set_version = stored.version
    uow.session.flush()
    audit(
        uow,
        actor,
        system_code,
        f"governance/bodies/{body.code}/rule-set",
        use_case="assign_rule_set",
        rule_set=stored.name,
        version=stored.version,
    )
    return stored


def rule_set_for(
    uow: UnitOfWork, body: GovBodyRow, pinned: tuple[str, int] | None = None
) -> RuleSet:
    """The rule set a body decides under, with the body's own recusal-quorum setting.

    ``pinned`` (name, version) is the rule set recorded when a vote opened; it wins over the
    body's current assignment so that reassigning rules cannot change an open vote.
    """
    if pinned is not None:
        rule_set = get_rule_set(uow, body.system_code, pinned[0], pinned[1]).rule_set
        if body.recused_count_for_quorum is not None:
            rule_set = replace(rule_set, recused_count_for_quorum=body.recused_count_for_quorum)
        return rule_set
    if body.rule_set_name is None or body.rule_set_version is None:
        raise InvalidInput(
            f"The body {body.code} has no rule set, so nothing can be decided.",
            input_name="body",
            expected=f"a rule set assigned with 'ics governance rules assign {body.code} NAME'",
        )
    rule_set = get_rule_set(
        uow, body.system_code, body.rule_set_name, body.rule_set_version
    ).rule_set
    if body.recused_count_for_quorum is not None:
        rule_set = replace(rule_set, recused_count_for_quorum=body.recused_count_for_quorum)
    return rule_set
