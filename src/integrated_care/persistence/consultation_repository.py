"""Consultations and plan workflows: rows in, domain values out. Never commits.

Construct from the unit of work's session: ``ConsultationRepository(uow.session)``.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from integrated_care.governance.consultations import (
    Consultation,
    Question,
    Respondent,
    Response,
    Stance,
)
from integrated_care.governance.workflows import Gate, Party, Plan, PlanKind, Step, StepKind
from integrated_care.persistence.consultation_models import (
    ConsultationQuestionRow,
    ConsultationRespondentRow,
    ConsultationResponseRow,
    ConsultationRow,
    PlanGateRow,
    PlanRow,
    PlanStepRow,
)
from integrated_care.persistence.types import utc_now


class ConsultationRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _row(self, system_code: str, code: str) -> ConsultationRow | None:
        return self.session.scalars(
            select(ConsultationRow).where(
                ConsultationRow.system_code == system_code, ConsultationRow.code == code
            )
        ).first()

    def codes(self, system_code: str) -> list[str]:
        return list(
            self.session.scalars(
                select(ConsultationRow.code)
                .where(ConsultationRow.system_code == system_code)
                .order_by(ConsultationRow.code)
            )
        )

    def add(self, system_code: str, c: Consultation, created_by: str) -> None:
        row = ConsultationRow(
            system_code=system_code,
            code=c.code,
            title=c.title,
            owner_code=c.owner_code,
            owner_name=c.owner_name,
            opens=c.opens,
            closes=c.closes,
            description=c.description,
            created_at=utc_now(),
            created_by=created_by,
        )
        self.session.add(row)
        self.session.flush()
        self.add_questions(system_code, c.code, c.questions)

    def add_questions(self, system_code: str, code: str, questions: Sequence[Question]) -> None:
        row = self._row(system_code, code)
        assert row is not None
        self.session.add_all(
            ConsultationQuestionRow(consultation_id=row.id, number=q.number, text=q.text)
            for q in questions
        )
        self.session.flush()

    def get(self, system_code: str, code: str) -> Consultation | None:
        row = self._row(system_code, code)
        if row is None:
            return None
        questions = self.session.scalars(
            select(ConsultationQuestionRow)
            .where(ConsultationQuestionRow.consultation_id == row.id)
            .order_by(ConsultationQuestionRow.number)
        )
        return Consultation(
            row.code,
            row.title,
            row.owner_code,
            row.owner_name,
            row.opens,
            row.closes,
            tuple(Question(q.number, q.text) for q in questions),
            row.description,
        )

    def all(self, system_code: str) -> list[Consultation]:
        found = (self.get(system_code, code) for code in self.codes(system_code))
        return [c for c in found if c is not None]

    def respondents(self, system_code: str, code: str) -> list[Respondent]:
        row = self._row(system_code, code)
        if row is None:
            return []
        rows = self.session.scalars(
            select(ConsultationRespondentRow)
            .where(ConsultationRespondentRow.consultation_id == row.id)
            .order_by(ConsultationRespondentRow.id)
        )
        return [
            Respondent(r.organisation_code, r.name, r.kind, r.external, r.gss_code, r.ods_code)
            for r in rows
        ]

    def add_respondent(self, system_code: str, code: str, r: Respondent) -> None:
        row = self._row(system_code, code)
        assert row is not None
        self.session.add(
            ConsultationRespondentRow(
                consultation_id=row.id,
                organisation_code=r.organisation_code,
                name=r.name,
                kind=r.kind,
                external=r.external,
                gss_code=r.gss_code,
                ods_code=r.ods_code,
            )
        )
        self.session.flush()

    def responses(self, system_code: str, code: str) -> list[Response]:
        """Every version of every response, in the order recorded."""
        row = self._row(system_code, code)
        if row is None:
            return []
        rows = self.session.execute(
            select(ConsultationResponseRow, ConsultationQuestionRow, ConsultationRespondentRow)
            .join(
                ConsultationQuestionRow,
                ConsultationResponseRow.question_id == ConsultationQuestionRow.id,
            )
            .join(
                ConsultationRespondentRow,
                ConsultationResponseRow.respondent_id == ConsultationRespondentRow.id,
            )
            .where(ConsultationResponseRow.consultation_id == row.id)
            .order_by(ConsultationResponseRow.id)
        )
        return [
            Response(
                o.organisation_code, q.number, r.version, Stance(r.stance), r.text, r.responded_on
            )
            for r, q, o in rows
        ]

    def add_response(
        self,
        system_code: str,
        code: str,
        response: Response,
        recorded_by: str,
        register_entry: int | None,
    ) -> int:
        row = self._row(system_code, code)
        assert row is not None
        question_id = self.session.scalars(
            select(ConsultationQuestionRow.id).where(
                ConsultationQuestionRow.consultation_id == row.id,
                ConsultationQuestionRow.number == response.question,
            )
        ).one()
        respondent_id = self.session.scalars(
            select(ConsultationRespondentRow.id).where(
                ConsultationRespondentRow.consultation_id == row.id,
                ConsultationRespondentRow.organisation_code == response.organisation_code,
            )
        ).one()
        new = ConsultationResponseRow(
            consultation_id=row.id,
            question_id=question_id,
            respondent_id=respondent_id,
            version=response.version,
            stance=response.stance.value,
            text=response.text,
            responded_on=response.responded_on,
            recorded_at=utc_now(),
            recorded_by=recorded_by,
            register_entry=register_entry,
        )
        self.session.add(new)
        self.session.flush()
        return new.id

    def response_count(self, system_code: str, code: str) -> int:
        row = self._row(system_code, code)
        if row is None:
            return 0
        return (
            self.session.scalar(
                select(func.count())
                .select_from(ConsultationResponseRow)
                .where(ConsultationResponseRow.consultation_id == row.id)
            )
            or 0
        )


def _plan(row: PlanRow) -> Plan:
    return Plan(
        row.code,
        PlanKind(row.kind),
        row.year,
        row.title,
        Party(row.icb_code, row.icb_name),
        tuple(Party(h["code"], h["name"]) for h in row.hwbs),
        row.area_code,
    )


class PlanRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _row(self, system_code: str, code: str) -> PlanRow | None:
        return self.session.scalars(
            select(PlanRow).where(PlanRow.system_code == system_code, PlanRow.code == code)
        ).first()

    def get(self, system_code: str, code: str) -> Plan | None:
        row = self._row(system_code, code)
        return None if row is None else _plan(row)

    def all(self, system_code: str) -> list[Plan]:
        rows = self.session.scalars(
            select(PlanRow)
            .where(PlanRow.system_code == system_code)
            .order_by(PlanRow.year, PlanRow.kind, PlanRow.code)
        )
        return [_plan(r) for r in rows]

    def add(self, system_code: str, plan: Plan, created_by: str) -> None:
        self.session.add(
            PlanRow(
                system_code=system_code,
                code=plan.code,
                kind=plan.kind.value,
                year=plan.year,
                title=plan.title,
                area_code=plan.area_code,
                icb_code=plan.icb.code,
                icb_name=plan.icb.name,
                hwbs=[{"code": h.code, "name": h.name} for h in plan.hwbs],
                created_at=utc_now(),
                created_by=created_by,
            )
        )
        self.session.flush()

    def steps(self, system_code: str, code: str) -> list[Step]:
        row = self._row(system_code, code)
        if row is None:
            return []
        rows = self.session.scalars(
            select(PlanStepRow).where(PlanStepRow.plan_id == row.id).order_by(PlanStepRow.id)
        )
        return [
            Step(
                StepKind(r.step),
                Party(r.party_code, r.party_name),
                r.on_date,
                r.statement,
                r.decision_ref,
            )
            for r in rows
        ]

    def add_step(
        self, system_code: str, code: str, step: Step, recorded_by: str, register_entry: int
    ) -> None:
        row = self._row(system_code, code)
        assert row is not None
        self.session.add(
            PlanStepRow(
                plan_id=row.id,
                step=step.kind.value,
                party_code=step.party.code,
                party_name=step.party.name,
                on_date=step.on,
                statement=step.statement,
                decision_ref=step.decision_ref,
                recorded_at=utc_now(),
                recorded_by=recorded_by,
                register_entry=register_entry,
            )
        )
        self.session.flush()

    def gates(self, system_code: str, plan_kind: PlanKind | None = None) -> list[Gate]:
        query = select(PlanGateRow).where(PlanGateRow.system_code == system_code)
        if plan_kind is not None:
            query = query.where(PlanGateRow.plan_kind == plan_kind.value)
        return [
            Gate(
                r.code,
                PlanKind(r.plan_kind),
                Party(r.party_code, r.party_name),
                r.description,
                r.area_code,
            )
            for r in self.session.scalars(query.order_by(PlanGateRow.id))
        ]

    def add_gate(self, system_code: str, gate: Gate, created_by: str) -> None:
        self.session.add(
            PlanGateRow(
                system_code=system_code,
                code=gate.code,
                plan_kind=gate.plan_kind.value,
                party_code=gate.party.code,
                party_name=gate.party.name,
                area_code=gate.area_code,
                description=gate.description,
                created_at=utc_now(),
                created_by=created_by,
            )
        )
        self.session.flush()
