"""The structure validation report: what is incomplete or inconsistent, on a date.

Checks: practices in no place or in two; places crossing ICB boundaries; local authority
districts split between ICBs; PCNs split across places; default assignments to review; and
registered against resident population per place (both kept; they differ).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from integrated_care.structure.population import registered_population, resident_population
from integrated_care.structure.system import SystemModel


class Severity(StrEnum):
    ERROR = "error"  # the structure is wrong: e.g. a practice counted in two places
    WARNING = "warning"  # incomplete or crossing a boundary; may be intended
    INFO = "info"  # a fact worth knowing (e.g. a district split between ICBs)


@dataclass(frozen=True, slots=True)
class Finding:
    severity: Severity
    check: str
    subject: str
    message: str


@dataclass(frozen=True, slots=True)
class PlacePopulation:
    code: str
    name: str
    practices: int
    registered: int
    resident: int | None

    @property
    def ratio(self) -> float | None:
        """Registered per resident; above 1 means lists are larger than the area's residents."""
        return None if not self.resident else round(self.registered / self.resident, 3)


@dataclass(frozen=True, slots=True)
class ValidationReport:
    as_of: date
    findings: tuple[Finding, ...]
    places: tuple[PlacePopulation, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not any(f.severity is Severity.ERROR for f in self.findings)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "ok": self.ok,
            "findings": [
                {
                    "severity": f.severity.value,
                    "check": f.check,
                    "subject": f.subject,
                    "message": f.message,
                }
                for f in self.findings
            ],
            "places": [
                {
                    "code": p.code,
                    "name": p.name,
                    "practices": p.practices,
                    "registered_population": p.registered,
                    "resident_population": p.resident,
                    "registered_per_resident": p.ratio,
                }
                for p in self.places
            ],
        }


def validate(model: SystemModel, as_of: date) -> ValidationReport:
    places = model.places_on(as_of)
    findings: list[Finding] = []
    homes: dict[str, list[str]] = defaultdict(list)
    for place in places:
        for code in place.practices:
            homes[code].append(place.name)

    for code in sorted(model.practices):
        practice = model.practices[code]
        where = homes.get(code, [])
        if not where:
            findings.append(
                Finding(
                    Severity.WARNING,
                    "practice_in_no_place",
                    code,
                    f"{practice.name} ({code}) is in no place.",
                )
            )
        elif len(where) > 1:
            findings.append(
                Finding(
                    Severity.ERROR,
                    "practice_in_two_places",
                    code,
                    f"{practice.name} ({code}) is in {len(where)} places: "
                    + ", ".join(sorted(where))
                    + ".",
                )
            )

    findings.extend(_boundary_findings(model, places))
    findings.extend(_pcn_findings(model, places))
    for place in places:
        for code, basis in sorted(place.basis):
            if "review" in basis and code in model.practices:
                findings.append(
                    Finding(
                        Severity.WARNING,
                        "default_assignment_to_review",
                        code,
                        f"{model.practices[code].name} ({code}) was put in {place.name} by "
                        f"default: {basis}.",
                    )
                )

    populations = []
    for place in places:
        codes = [c for c in place.practices if c in model.practices]
        lsoas = model.place_lsoas(place)
        populations.append(
            PlacePopulation(
                place.code,
                place.name,
                len(codes),
                registered_population(model.practices[c] for c in codes),
                resident_population(lsoas, model.area) if lsoas else None,
            )
        )
    return ValidationReport(as_of, tuple(findings), tuple(populations))


def _boundary_findings(model: SystemModel, places: list[Any]) -> list[Finding]:
    findings = []
    for lad in sorted(model.lads.values(), key=lambda x: x.name):
        if lad.is_split and model.icb_gss in lad.population_by_icb:
            parts = ", ".join(
                f"{model.icb_names.get(icb, icb)}: {pop:,}"
                for icb, pop in sorted(lad.population_by_icb.items(), key=lambda kv: -kv[1])
            )
            findings.append(
                Finding(
                    Severity.INFO,
                    "lad_split_between_icbs",
                    lad.code,
                    f"{lad.name} is split between ICBs ({parts} residents).",
                )
            )
    for place in places:
        outside = [
            u
            for code in model.place_lsoas(place)
            if (u := model.area.get(code)) and u.icb_code != model.icb_gss
        ]
        if outside:
            people = sum(u.population for u in outside)
            findings.append(
                Finding(
                    Severity.WARNING,
                    "place_crosses_icb_boundary",
                    place.code,
                    f"{place.name} covers {len(outside)} LSOAs ({people:,} residents) outside "
                    f"{model.icb.name}.",
                )
            )
    return findings


def _pcn_findings(model: SystemModel, places: list[Any]) -> list[Finding]:
    pcn_places: dict[str, set[str]] = defaultdict(set)
    for place in places:
        for code in place.practices:
            practice = model.practices.get(code)
            if practice and practice.pcn_code:
                pcn_places[practice.pcn_code].add(place.name)
    findings = []
    for pcn_code, names in sorted(pcn_places.items()):
        if len(names) > 1:
            pcn = model.pcns.get(pcn_code)
            findings.append(
                Finding(
                    Severity.WARNING,
                    "pcn_split_across_places",
                    pcn_code,
                    f"{pcn.name if pcn else pcn_code} has practices in {len(names)} places: "
                    f"{', '.join(sorted(names))}.",
                )
            )
    return findings
