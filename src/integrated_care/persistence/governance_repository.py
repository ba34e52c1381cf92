"""The governance repository: adds and reads governance rows, and turns seat rows into
``Seat`` values. It never commits (the caller's unit of work does) and makes no decisions.

Services build it from the unit of work's session: ``GovernanceRepository(uow.session)``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from integrated_care.governance.model import Seat, SeatType
from integrated_care.persistence.governance_models import (
    GovAttendanceRow,
    GovBodyRow,
    GovDecisionRow,
    GovDeclarationRow,
    GovItemRow,
    GovMeetingRow,
    GovProposalRow,
    GovRuleSetRow,
    GovSeatRow,
    GovVoteRow,
)
from integrated_care.persistence.models import Base
from integrated_care.persistence.types import utc_now
from integrated_care.structure.dates import Period

RowT = TypeVar("RowT", bound=Base)


def seat_from_row(row: GovSeatRow, body_code: str) -> Seat:
    return Seat(
        seat_id=row.seat_id,
        body_code=body_code,
        seat_type=SeatType(row.seat_type),
        title=row.title,
        holder=row.holder,
        organisation_code=row.organisation_code,
        classes=frozenset(row.classes),
        voting=row.voting,
        weight=row.weight,
        nominated_by=row.nominated_by,
        approved_by=row.approved_by,
        term=Period(row.term_start, row.term_end),
    )


class GovernanceRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, row: RowT) -> RowT:
        """Add a row and flush, so its id is known and constraints are checked now."""
        self.session.add(row)
        self.session.flush()
        return row

    def add_all(self, rows: Iterable[Base]) -> None:
        self.session.add_all(rows)
        self.session.flush()

    # -- bodies and seats ------------------------------------------------------------------
    def body(self, system_code: str, code: str) -> GovBodyRow | None:
        return self.session.scalars(
            select(GovBodyRow).where(GovBodyRow.system_code == system_code, GovBodyRow.code == code)
        ).first()

    def body_by_id(self, body_id: int) -> GovBodyRow:
        row = self.session.get(GovBodyRow, body_id)
        assert row is not None, f"governance body {body_id} vanished"
        return row

    def bodies(self, system_code: str) -> list[GovBodyRow]:
        return list(
            self.session.scalars(
                select(GovBodyRow)
                .where(GovBodyRow.system_code == system_code)
                .order_by(GovBodyRow.kind, GovBodyRow.name)
            )
        )

    def seat_rows(self, body_id: int) -> list[GovSeatRow]:
        return list(
            self.session.scalars(
                select(GovSeatRow)
                .where(GovSeatRow.body_id == body_id)
                .order_by(GovSeatRow.term_start, GovSeatRow.id)
            )
        )

    def seat_rows_by_seat_id(self, system_code: str, seat_id: str) -> list[GovSeatRow]:
        return list(
            self.session.scalars(
                select(GovSeatRow)
                .where(GovSeatRow.system_code == system_code, GovSeatRow.seat_id == seat_id)
                .order_by(GovSeatRow.term_start)
            )
        )

    def all_seat_ids(self, system_code: str) -> list[str]:
        return list(
            self.session.scalars(
                select(GovSeatRow.seat_id).where(GovSeatRow.system_code == system_code).distinct()
            )
        )

    def seat_row(self, seat_pk: int) -> GovSeatRow:
        row = self.session.get(GovSeatRow, seat_pk)
        assert row is not None, f"seat row {seat_pk} vanished"
        return row

    # -- rule sets -------------------------------------------------------------------------
    def rule_set(self, system_code: str, name: str, version: int) -> GovRuleSetRow | None:
        return self.session.scalars(
            select(GovRuleSetRow).where(
                GovRuleSetRow.system_code == system_code,
                GovRuleSetRow.name == name,
                GovRuleSetRow.version == version,
            )
        ).first()

    def latest_rule_set(self, system_code: str, name: str) -> GovRuleSetRow | None:
        return self.session.scalars(
            select(GovRuleSetRow)
            .where(GovRuleSetRow.system_code == system_code, GovRuleSetRow.name == name)
            .order_by(GovRuleSetRow.version.desc())
        ).first()

    def rule_sets(self, system_code: str) -> list[GovRuleSetRow]:
        return list(
            self.session.scalars(
                select(GovRuleSetRow)
                .where(GovRuleSetRow.system_code == system_code)
                .order_by(GovRuleSetRow.name, GovRuleSetRow.version)
            )
        )

    # -- meetings, items, proposals --------------------------------------------------------
    def meeting(self, system_code: str, meeting_id: int) -> GovMeetingRow | None:
        row = self.session.get(GovMeetingRow, meeting_id)
        return row if row is not None and row.system_code == system_code else None

    def meetings(self, system_code: str, body_id: int | None = None) -> list[GovMeetingRow]:
        query = select(GovMeetingRow).where(GovMeetingRow.system_code == system_code)
        if body_id is not None:
            query = query.where(GovMeetingRow.body_id == body_id)
        return list(self.session.scalars(query.order_by(GovMeetingRow.starts_at)))

    def items(self, meeting_id: int) -> list[GovItemRow]:
        rows = self.session.scalars(select(GovItemRow).where(GovItemRow.meeting_id == meeting_id))
        return sorted(rows, key=lambda r: _number_key(r.number))

    def item(self, item_id: int) -> GovItemRow:
        row = self.session.get(GovItemRow, item_id)
        assert row is not None, f"agenda item {item_id} vanished"
        return row

    def proposal(self, proposal_id: int) -> GovProposalRow | None:
        return self.session.get(GovProposalRow, proposal_id)

    def proposals_for_items(self, item_ids: Iterable[int]) -> dict[int, GovProposalRow]:
        ids = list(item_ids)
        if not ids:
            return {}
        rows = self.session.scalars(select(GovProposalRow).where(GovProposalRow.item_id.in_(ids)))
        return {r.item_id: r for r in rows}

    # -- attendance and declarations -------------------------------------------------------
    def attendance(self, meeting_id: int) -> dict[int, GovAttendanceRow]:
        rows = self.session.scalars(
            select(GovAttendanceRow).where(GovAttendanceRow.meeting_id == meeting_id)
        )
        return {r.seat_pk: r for r in rows}

    def set_attendance(self, meeting_id: int, seat_pk: int, status: str, recorded_by: str) -> None:
        row = self.session.get(GovAttendanceRow, (meeting_id, seat_pk))
        if row is None:
            self.session.add(
                GovAttendanceRow(
                    meeting_id=meeting_id,
                    seat_pk=seat_pk,
                    status=status,
                    recorded_at=utc_now(),
                    recorded_by=recorded_by,
                )
            )
        else:
            row.status = status
            row.recorded_at = utc_now()
            row.recorded_by = recorded_by
        self.session.flush()

    def declarations(self, system_code: str, seat_id: str | None = None) -> list[GovDeclarationRow]:
        query = select(GovDeclarationRow).where(GovDeclarationRow.system_code == system_code)
        if seat_id is not None:
            query = query.where(GovDeclarationRow.seat_id == seat_id)
        return list(self.session.scalars(query.order_by(GovDeclarationRow.id)))

    # -- votes and decisions ---------------------------------------------------------------
    def votes(self, proposal_id: int) -> list[GovVoteRow]:
        return list(
            self.session.scalars(
                select(GovVoteRow)
                .where(GovVoteRow.proposal_id == proposal_id)
                .order_by(GovVoteRow.id)
            )
        )

    def decision(self, proposal_id: int) -> GovDecisionRow | None:
        return self.session.scalars(
            select(GovDecisionRow).where(GovDecisionRow.proposal_id == proposal_id)
        ).first()

    def decisions(self, proposal_ids: Iterable[int]) -> dict[int, GovDecisionRow]:
        ids = list(proposal_ids)
        if not ids:
            return {}
        rows = self.session.scalars(
            select(GovDecisionRow).where(GovDecisionRow.proposal_id.in_(ids))
        )
        return {r.proposal_id: r for r in rows}

    def count(self, row_type: type[Base], **where: Any) -> int:
        query = select(func.count()).select_from(row_type)
        for column, value in where.items():
            query = query.where(getattr(row_type, column) == value)
        return int(self.session.execute(query).scalar_one())


def _number_key(number: str) -> tuple[tuple[int, str], ...]:
    """Agenda numbers sort as people read them: 2 < 10, 5.2 < 5.10."""
    return tuple((int(p), "") if p.isdigit() else (1 << 30, p) for p in number.split("."))
