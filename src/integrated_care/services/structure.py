"""Structure use cases: initialise a system, load it, define and reconfigure places.

Every function takes the caller's unit of work and never commits: the caller commits once
the whole use case has succeeded, so a refused request leaves the database unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from integrated_care.access import Actor, Permission, require
from integrated_care.errors import Conflict, InvalidInput, NotFound
from integrated_care.persistence.uow import UnitOfWork
from integrated_care.services import reference_area as area
from integrated_care.structure.dates import Period
from integrated_care.structure.defaults import default_places
from integrated_care.structure.membership import BodyKind, PartnershipBody
from integrated_care.structure.organisations import Organisation, OrgKind, Practice
from integrated_care.structure.places import (
    PlaceVersion,
    check_membership_codes,
    define,
    reconfigure,
)
from integrated_care.structure.system import SystemModel

# ICBs were established on 1 July 2022 (Health and Care Act 2022): the default date from
# which a new workspace's default places are in force.
ICB_ESTABLISHED = date(2022, 7, 1)
SYSTEM_BODY = "ics-partnership"
REFERENCE_VINTAGE = "NHS geography Apr 2024; GP lists 1 Dec 2025; IMD 2025; Census 2021"


@dataclass(frozen=True, slots=True)
class InitSummary:
    system_code: str
    gss_code: str
    name: str
    sub_icbs: int
    pcns: int
    practices: int
    registered_population: int
    councils: int
    places: int


@dataclass(frozen=True, slots=True)
class PlaceSpec:
    """A place as a person asks for it; PCNs are expanded to their practices."""

    code: str
    name: str
    practices: frozenset[str] = field(default_factory=frozenset)
    pcns: frozenset[str] = field(default_factory=frozenset)
    lads: frozenset[str] = field(default_factory=frozenset)
    lsoas: frozenset[str] = field(default_factory=frozenset)


def init_system(
    uow: UnitOfWork,
    icb_query: str,
    *,
    actor: Actor,
    with_default_places: bool = True,
    places_from: date = ICB_ESTABLISHED,
) -> InitSummary:
    require(actor, Permission.MANAGE_STRUCTURE)
    ref = area.reference()
    icb = ref.icb(icb_query)
    if uow.structure.get_system(icb.ods_code) is not None:
        raise Conflict(
            f"{icb.name} ({icb.ods_code}) is already set up in this database.",
            input_name="icb",
            expected="an ICB not yet initialised here",
        )
    uow.structure.add_system(icb.ods_code, icb.gss_code, icb.name, REFERENCE_VINTAGE)

    sub_icbs = [
        Organisation(
            s.ods_code, s.name, OrgKind.SUB_ICB_LOCATION, s.ods_code, s.gss_code, icb.ods_code
        )
        for s in ref.sub_icbs(icb.gss_code)
    ]
    sub_ods = {s.gss_code: s.ods_code for s in ref.sub_icbs()}
    practices = [
        Practice(p.code, p.name, p.pcn_code, p.sicbl_ods_code, p.registered_patients, p.postcode)
        for p in ref.practices(icb.gss_code)
    ]
    pcn_names = {
        p.pcn_code: p.pcn_name or p.pcn_code for p in ref.practices(icb.gss_code) if p.pcn_code
    }
    pcn_sub = {p.code: sub_ods.get(p.sicbl_gss_code) for p in ref.pcns()}
    pcns = [
        Organisation(code, name, OrgKind.PCN, code, None, pcn_sub.get(code))
        for code, name in sorted(pcn_names.items())
    ]
    councils = area.councils(icb.gss_code)
    icb_org = Organisation(icb.ods_code, icb.name, OrgKind.ICB, icb.ods_code, icb.gss_code)
    uow.structure.add_organisations(icb.ods_code, [icb_org, *sub_icbs, *pcns, *councils])
    uow.structure.add_practices(icb.ods_code, practices)
    uow.structure.add_body(
        icb.ods_code,
        PartnershipBody(
            SYSTEM_BODY, f"{icb.short_name} Integrated Care Partnership", BodyKind.ICS_PARTNERSHIP
        ),
    )

    places: list[PlaceVersion] = []
    if with_default_places:
        places = default_places(
            areas=area.upper_tier_areas(icb.gss_code),
            practices={p.code: p for p in practices},
            pcns={p.code: p for p in pcns},
            sub_icb_residents=area.sub_icb_residents_by_utla(icb.gss_code),
            effective=places_from,
        )
        for place in places:
            _persist_new_place(uow, icb.ods_code, place)
    uow.audit.append(
        actor=actor.name,
        role=actor.role.value,
        action="write",
        resource=f"systems/{icb.ods_code}",
        system_code=icb.ods_code,
        detail={"use_case": "init", "places": len(places)},
    )
    return InitSummary(
        icb.ods_code,
        icb.gss_code,
        icb.name,
        len(sub_icbs),
        len(pcns),
        len(practices),
        sum(p.registered_patients for p in practices),
        len(councils),
        len(places),
    )


def _persist_new_place(uow: UnitOfWork, system_code: str, place: PlaceVersion) -> None:
    uow.structure.add_place(system_code, place)
    body_code = f"{place.code}-partnership"
    if not any(b.code == body_code for b in uow.structure.bodies(system_code)):
        uow.structure.add_body(
            system_code,
            PartnershipBody(
                body_code, f"{place.name} place partnership", BodyKind.PLACE_PARTNERSHIP, place.code
            ),
        )


def load_model(uow: UnitOfWork, system_code: str) -> SystemModel:
    system = uow.structure.get_system(system_code)
    if system is None:
        raise NotFound(
            "system",
            system_code,
            input_name="system",
            candidates=[s.code for s in uow.structure.systems()],
        )
    orgs = uow.structure.organisations(system_code)
    places = tuple(uow.structure.places(system_code))
    units = dict(area.icb_area(system.gss_code))
    lads = dict(area.lads_overlapping(system.gss_code))
    all_lads = area.lad_infos()
    named_lads = {c for p in places for c in p.lads}
    named_lsoas = {c for p in places for c in p.lsoas} - set(units)
    if named_lads or named_lsoas:
        everything = area.all_area()
        units.update(
            {c: u for c, u in everything.items() if u.lad_code in named_lads or c in named_lsoas}
        )
        lads.update({c: all_lads[c] for c in named_lads if c in all_lads})
    icb = next(o for o in orgs if o.kind is OrgKind.ICB)
    return SystemModel(
        icb=icb,
        sub_icbs=tuple(o for o in orgs if o.kind is OrgKind.SUB_ICB_LOCATION),
        pcns={o.code: o for o in orgs if o.kind is OrgKind.PCN},
        practices=uow.structure.practices(system_code),
        partners=tuple(
            o for o in orgs if o.kind not in (OrgKind.ICB, OrgKind.SUB_ICB_LOCATION, OrgKind.PCN)
        ),
        places=places,
        bodies=tuple(uow.structure.bodies(system_code)),
        memberships=tuple(uow.structure.membership_events(system_code)),
        area=units,
        lads=lads,
        icb_names={i.gss_code: i.name for i in area.reference().icbs()},
    )


def _resolve(uow: UnitOfWork, model: SystemModel, spec: PlaceSpec, period: Period) -> PlaceVersion:
    practices = set(spec.practices)
    for pcn in sorted(spec.pcns):
        members = {c for c, p in model.practices.items() if p.pcn_code == pcn}
        if not members:
            raise NotFound(
                "PCN",
                pcn,
                input_name="pcns",
                candidates=[*model.pcns, *(p.name for p in model.pcns.values())],
            )
        practices |= members
    for code in sorted(spec.lsoas):
        if code not in area.all_area():
            raise NotFound("LSOA 2021", code, input_name="lsoas", candidates=list(model.area))
    place = PlaceVersion(spec.code, spec.name, period, frozenset(practices), spec.lads, spec.lsoas)
    check_membership_codes(
        place,
        known_practices=area.practice_icb_names(),
        own_practices=set(model.practices),
        known_lads=area.lad_infos(),
        own_lads=set(area.lads_overlapping(model.icb_gss)),
    )
    return place


def define_place(
    uow: UnitOfWork, system_code: str, spec: PlaceSpec, effective: date, *, actor: Actor
) -> PlaceVersion:
    require(actor, Permission.MANAGE_STRUCTURE)
    model = load_model(uow, system_code)
    place = _resolve(uow, model, spec, Period(effective))
    define(model.places, place)  # refuses a code already in force
    _persist_new_place(uow, system_code, place)
    uow.audit.append(
        actor=actor.name,
        role=actor.role.value,
        action="write",
        resource=f"places/{place.code}",
        system_code=system_code,
        detail={
            "use_case": "define_place",
            "effective": effective.isoformat(),
            "practices": len(place.practices),
        },
    )
    return place


def reconfigure_places(
    uow: UnitOfWork,
    system_code: str,
    effective: date,
    retire: Iterable[str],
    new_places: Iterable[PlaceSpec],
    *,
    actor: Actor,
) -> list[PlaceVersion]:
    require(actor, Permission.MANAGE_STRUCTURE)
    model = load_model(uow, system_code)
    retire = list(retire)
    created = [_resolve(uow, model, s, Period(effective)) for s in new_places]
    if not created and not retire:
        raise InvalidInput(
            "Nothing to reconfigure.", input_name="places", expected="places to retire or to create"
        )
    after = reconfigure(model.places, effective=effective, retire=retire, new_places=created)
    for version in model.places:
        if version.code in retire and version.active_on(effective):
            uow.structure.end_place(system_code, version.code, version.period.start, effective)
    for place in created:
        _persist_new_place(uow, system_code, place)
    uow.audit.append(
        actor=actor.name,
        role=actor.role.value,
        action="write",
        resource="places",
        system_code=system_code,
        detail={
            "use_case": "reconfigure",
            "effective": effective.isoformat(),
            "retired": retire,
            "created": [p.code for p in created],
        },
    )
    return [p for p in after if p.active_on(effective)]


def add_organisation(uow: UnitOfWork, system_code: str, org: Organisation, *, actor: Actor) -> None:
    require(actor, Permission.MANAGE_STRUCTURE)
    model = load_model(uow, system_code)
    if model.organisation(org.code) is not None:
        raise Conflict(
            f"An organisation with code {org.code} is already in the system.",
            input_name="code",
            expected="a new organisation code",
        )
    uow.structure.add_organisations(system_code, [org])
    uow.audit.append(
        actor=actor.name,
        role=actor.role.value,
        action="write",
        resource=f"organisations/{org.code}",
        system_code=system_code,
        detail={"use_case": "add_organisation", "kind": org.kind.value},
    )


def rename_organisation(
    uow: UnitOfWork, system_code: str, code: str, name: str, *, actor: Actor
) -> None:
    """Give an organisation its proper name (reference data names areas, not councils)."""
    require(actor, Permission.MANAGE_STRUCTURE)
    if not name.strip():
        raise InvalidInput(
            "An organisation needs a name.", input_name="name", expected="a non-empty name"
        )
    model = load_model(uow, system_code)
    org = model.organisation(code)
    if org is None:
        raise NotFound(
            "organisation",
            code,
            input_name="code",
            candidates=[o.code for o in (*model.partners, *model.sub_icbs)],
        )
    uow.structure.rename_organisation(system_code, org.code, name.strip())
    uow.audit.append(
        actor=actor.name,
        role=actor.role.value,
        action="write",
        resource=f"organisations/{org.code}",
        system_code=system_code,
        detail={"use_case": "rename_organisation", "from": org.name, "to": name.strip()},
    )
