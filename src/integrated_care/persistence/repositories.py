"""Repositories: translate between rows and domain objects. They add and read; they never
commit (the unit of work does)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from integrated_care.persistence.models import (
    AuditRow,
    BodyRow,
    MembershipEventRow,
    OrganisationRow,
    PlaceMemberRow,
    PlaceRow,
    PracticeRow,
    SystemRow,
    TokenRow,
    UserRow,
)
from integrated_care.persistence.types import utc_now
from integrated_care.structure.dates import Period
from integrated_care.structure.membership import (
    Action,
    BodyKind,
    MembershipEvent,
    PartnershipBody,
)
from integrated_care.structure.organisations import Organisation, OrgKind, Practice
from integrated_care.structure.places import PlaceVersion


class StructureRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # -- systems ---------------------------------------------------------------------------
    def add_system(self, code: str, gss_code: str, name: str, vintage: str) -> None:
        self.session.add(
            SystemRow(
                code=code,
                gss_code=gss_code,
                name=name,
                reference_vintage=vintage,
                created_at=utc_now(),
            )
        )
        # Other tables refer to the system by foreign key; without relationship()s the
        # session does not know to insert it first, so insert it now.
        self.session.flush()

    def get_system(self, code: str) -> SystemRow | None:
        return self.session.get(SystemRow, code)

    def systems(self) -> list[SystemRow]:
        return list(self.session.scalars(select(SystemRow).order_by(SystemRow.name)))

    # -- organisations and practices -------------------------------------------------------
    def add_organisations(self, system_code: str, orgs: Iterable[Organisation]) -> None:
        self.session.add_all(
            OrganisationRow(
                system_code=system_code,
                code=o.code,
                name=o.name,
                kind=o.kind.value,
                ods_code=o.ods_code,
                gss_code=o.gss_code,
                parent_code=o.parent_code,
            )
            for o in orgs
        )

    def organisations(self, system_code: str) -> list[Organisation]:
        rows = self.session.scalars(
            select(OrganisationRow)
            .where(OrganisationRow.system_code == system_code)
            .order_by(OrganisationRow.id)
        )
        return [
            Organisation(r.code, r.name, OrgKind(r.kind), r.ods_code, r.gss_code, r.parent_code)
            for r in rows
        ]

    def rename_organisation(self, system_code: str, code: str, name: str) -> None:
        self.session.execute(
            update(OrganisationRow)
            .where(OrganisationRow.system_code == system_code, OrganisationRow.code == code)
            .values(name=name)
        )

    def add_practices(self, system_code: str, practices: Iterable[Practice]) -> None:
        self.session.add_all(
            PracticeRow(
                system_code=system_code,
                code=p.code,
                name=p.name,
                pcn_code=p.pcn_code,
                sub_icb_code=p.sub_icb_code,
                registered_patients=p.registered_patients,
                postcode=p.postcode,
            )
            for p in practices
        )

    def practices(self, system_code: str) -> dict[str, Practice]:
        rows = self.session.scalars(
            select(PracticeRow).where(PracticeRow.system_code == system_code)
        )
        return {
            r.code: Practice(
                r.code, r.name, r.pcn_code, r.sub_icb_code, r.registered_patients, r.postcode
            )
            for r in rows
        }

    # -- places ----------------------------------------------------------------------------
    def add_place(self, system_code: str, place: PlaceVersion) -> None:
        row = PlaceRow(
            system_code=system_code,
            code=place.code,
            name=place.name,
            valid_from=place.period.start,
            valid_to=place.period.end,
            created_at=utc_now(),
        )
        self.session.add(row)
        self.session.flush()  # the id is needed for the members
        basis = place.basis_by_practice
        members = (
            [("practice", c, basis.get(c)) for c in sorted(place.practices)]
            + [("lad", c, None) for c in sorted(place.lads)]
            + [("lsoa", c, None) for c in sorted(place.lsoas)]
        )
        self.session.add_all(
            PlaceMemberRow(place_id=row.id, member_kind=k, member_code=c, basis=b)
            for k, c, b in members
        )

    def end_place(self, system_code: str, code: str, valid_from: date, end: date) -> None:
        self.session.execute(
            update(PlaceRow)
            .where(
                PlaceRow.system_code == system_code,
                PlaceRow.code == code,
                PlaceRow.valid_from == valid_from,
            )
            .values(valid_to=end)
        )

    def places(self, system_code: str) -> list[PlaceVersion]:
        rows = list(
            self.session.scalars(
                select(PlaceRow)
                .where(PlaceRow.system_code == system_code)
                .order_by(PlaceRow.valid_from, PlaceRow.code)
            )
        )
        members: dict[int, list[PlaceMemberRow]] = {r.id: [] for r in rows}
        if rows:
            for m in self.session.scalars(
                select(PlaceMemberRow).where(PlaceMemberRow.place_id.in_(members))
            ):
                members[m.place_id].append(m)
        result = []
        for r in rows:
            ms = members[r.id]
            result.append(
                PlaceVersion(
                    code=r.code,
                    name=r.name,
                    period=Period(r.valid_from, r.valid_to),
                    practices=frozenset(m.member_code for m in ms if m.member_kind == "practice"),
                    lads=frozenset(m.member_code for m in ms if m.member_kind == "lad"),
                    lsoas=frozenset(m.member_code for m in ms if m.member_kind == "lsoa"),
                    basis=tuple(
                        sorted(
                            (m.member_code, m.basis)
                            for m in ms
                            if m.member_kind == "practice" and m.basis
                        )
                    ),
                )
            )
        return result

    # -- partnership bodies and membership -------------------------------------------------
    def add_body(self, system_code: str, body: PartnershipBody) -> None:
        self.session.add(
            BodyRow(
                system_code=system_code,
                code=body.code,
                name=body.name,
                kind=body.kind.value,
                place_code=body.place_code,
            )
        )

    def bodies(self, system_code: str) -> list[PartnershipBody]:
        rows = self.session.scalars(
            select(BodyRow)
            .where(BodyRow.system_code == system_code)
            .order_by(BodyRow.kind, BodyRow.name)
        )
        return [PartnershipBody(r.code, r.name, BodyKind(r.kind), r.place_code) for r in rows]

    def add_membership_event(
        self, system_code: str, event: MembershipEvent, recorded_by: str
    ) -> None:
        self.session.add(
            MembershipEventRow(
                system_code=system_code,
                body_code=event.body_code,
                org_code=event.org_code,
                action=event.action.value,
                effective=event.effective,
                reason=event.reason,
                planned_end=event.planned_end,
                conditions=list(event.conditions),
                recorded_at=utc_now(),
                recorded_by=recorded_by,
            )
        )

    def membership_events(
        self, system_code: str, body_code: str | None = None, org_code: str | None = None
    ) -> list[MembershipEvent]:
        query = select(MembershipEventRow).where(MembershipEventRow.system_code == system_code)
        if body_code is not None:
            query = query.where(MembershipEventRow.body_code == body_code)
        if org_code is not None:
            query = query.where(MembershipEventRow.org_code == org_code)
        rows = self.session.scalars(
            query.order_by(MembershipEventRow.effective, MembershipEventRow.id)
        )
        return [
            MembershipEvent(
                r.body_code,
                r.org_code,
                Action(r.action),
                r.effective,
                r.reason,
                r.planned_end,
                tuple(r.conditions),
            )
            for r in rows
        ]


class UserRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(
        self, username: str, password_hash: str, role: str, organisation_code: str | None = None
    ) -> UserRow:
        row = UserRow(
            username=username,
            password_hash=password_hash,
            role=role,
            organisation_code=organisation_code,
            disabled=False,
            created_at=utc_now(),
        )
        self.session.add(row)
        self.session.flush()
        return row

    def by_username(self, username: str) -> UserRow | None:
        return self.session.scalars(select(UserRow).where(UserRow.username == username)).first()

    def all(self) -> list[UserRow]:
        return list(self.session.scalars(select(UserRow).order_by(UserRow.username)))

    def add_token(self, token_hash: str, user_id: int, expires_at: datetime) -> None:
        self.session.add(
            TokenRow(
                token_hash=token_hash,
                user_id=user_id,
                created_at=utc_now(),
                expires_at=expires_at,
                revoked=False,
            )
        )

    def by_token(self, token_hash: str) -> tuple[TokenRow, UserRow] | None:
        row = self.session.execute(
            select(TokenRow, UserRow)
            .join(UserRow, TokenRow.user_id == UserRow.id)
            .where(TokenRow.token_hash == token_hash)
        ).first()
        return None if row is None else (row[0], row[1])

    def revoke_token(self, token_hash: str) -> None:
        self.session.execute(
            update(TokenRow).where(TokenRow.token_hash == token_hash).values(revoked=True)
        )


class AuditRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def append(
        self,
        *,
        actor: str,
        role: str,
        action: str,
        resource: str,
        detail: dict[str, Any] | None = None,
        system_code: str | None = None,
    ) -> None:
        self.session.add(
            AuditRow(
                at=utc_now(),
                actor=actor,
                role=role,
                action=action,
                resource=resource[:300],
                detail=detail or {},
                system_code=system_code,
            )
        )

    def recent(self, limit: int = 100) -> list[AuditRow]:
        return list(
            self.session.scalars(select(AuditRow).order_by(AuditRow.id.desc()).limit(limit))
        )
