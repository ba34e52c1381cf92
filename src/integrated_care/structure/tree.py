"""The structure tree on a date: ICS -> place -> PCN -> practice, with populations.

A PCN whose practices sit in two places appears under both, each time with only the
practices in that place (and is flagged by validation). Practices in no place gather under
an "Not in any place" node so that the tree's registered total always equals the ICB's.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from integrated_care.structure.population import (
    Deprivation,
    deprivation,
    registered_population,
    resident_population,
)
from integrated_care.structure.system import SystemModel

UNPLACED_CODE = "unplaced"
NO_PCN_CODE = "no-pcn"


@dataclass(frozen=True, slots=True)
class Node:
    kind: str  # "system" | "place" | "pcn" | "practice"
    code: str
    name: str
    registered: int
    resident: int | None = None
    deprivation: Deprivation | None = None
    children: tuple[Node, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": self.kind,
            "code": self.code,
            "name": self.name,
            "registered_population": self.registered,
            "resident_population": self.resident,
            "imd": None
            if self.deprivation is None
            else {
                "mean_score": self.deprivation.mean_score,
                "core20_share": self.deprivation.core20_share,
                "lsoas": self.deprivation.lsoas,
            },
        }
        if self.kind != "practice":
            data["children"] = [c.to_dict() for c in self.children]
        return data

    def walk(self) -> list[Node]:
        nodes = [self]
        for child in self.children:
            nodes.extend(child.walk())
        return nodes


def _pcn_nodes(model: SystemModel, practice_codes: set[str]) -> tuple[Node, ...]:
    by_pcn: dict[str, list[str]] = defaultdict(list)
    for code in practice_codes:
        by_pcn[model.practices[code].pcn_code or NO_PCN_CODE].append(code)
    nodes = []
    for pcn_code, codes in by_pcn.items():
        practices = sorted((model.practices[c] for c in codes), key=lambda p: p.name)
        children = tuple(Node("practice", p.code, p.name, p.registered_patients) for p in practices)
        pcn = model.pcns.get(pcn_code)
        name = pcn.name if pcn else "Practices not in a PCN"
        nodes.append(
            Node("pcn", pcn_code, name, registered_population(practices), children=children)
        )
    return tuple(sorted(nodes, key=lambda n: (n.code == NO_PCN_CODE, n.name)))


def build_tree(model: SystemModel, as_of: date) -> Node:
    places = model.places_on(as_of)
    placed: set[str] = set()
    place_nodes = []
    for place in places:
        codes = {c for c in place.practices if c in model.practices}
        placed |= codes
        lsoas = model.place_lsoas(place)
        place_nodes.append(
            Node(
                "place",
                place.code,
                place.name,
                registered_population(model.practices[c] for c in codes),
                resident_population(lsoas, model.area) if lsoas else None,
                deprivation(lsoas, model.area),
                _pcn_nodes(model, codes),
            )
        )
    unplaced = set(model.practices) - placed
    if unplaced:
        place_nodes.append(
            Node(
                "place",
                UNPLACED_CODE,
                "Not in any place",
                registered_population(model.practices[c] for c in unplaced),
                children=_pcn_nodes(model, unplaced),
            )
        )
    icb_lsoas = [u.code for u in model.area.values() if u.icb_code == model.icb_gss]
    return Node(
        "system",
        model.icb.code,
        model.icb.name,
        registered_population(model.practices.values()),
        resident_population(icb_lsoas, model.area),
        deprivation(icb_lsoas, model.area),
        tuple(place_nodes),
    )
