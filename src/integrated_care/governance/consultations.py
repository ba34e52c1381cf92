"""Consultations: numbered questions put to organisations, their responses and the report.

Pure rules and aggregation, no I/O. A respondent is an organisation (one in the system, or a
named external organisation such as a district council of another ICS). Each organisation
gives at most one *current* response per question: a revision is a new version, earlier
versions are kept, and the latest version is the one counted. Responses are accepted only
while the consultation is open (``opens`` to ``closes``, both inclusive).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from integrated_care.errors import InvalidInput, NotFound

_CODE = re.compile(r"[a-z0-9][a-z0-9-]{0,59}")


class Stance(StrEnum):
    AGREE = "agree"
    DISAGREE = "disagree"
    NEUTRAL = "neutral"


def parse_stance(value: str) -> Stance:
    try:
        return Stance(value.strip().lower())
    except ValueError:
        raise InvalidInput(
            f"Unknown stance '{value}'.",
            input_name="stance",
            expected=", ".join(s.value for s in Stance),
        ) from None


@dataclass(frozen=True, slots=True)
class Question:
    number: int
    text: str


@dataclass(frozen=True, slots=True)
class Consultation:
    code: str
    title: str
    owner_code: str
    owner_name: str
    opens: date
    closes: date
    questions: tuple[Question, ...] = ()
    description: str | None = None

    def is_open_on(self, day: date) -> bool:
        return self.opens <= day <= self.closes

    def question(self, number: int) -> Question:
        for q in self.questions:
            if q.number == number:
                return q
        numbers = ", ".join(str(q.number) for q in self.questions) or "none yet"
        raise NotFound(
            "question number",
            str(number),
            input_name="question",
            expected=f"a question of consultation {self.code} (numbers: {numbers})",
        )


@dataclass(frozen=True, slots=True)
class Respondent:
    organisation_code: str
    name: str
    kind: str
    external: bool = False  # not an organisation of the workspace's system
    gss_code: str | None = None
    ods_code: str | None = None


@dataclass(frozen=True, slots=True)
class Response:
    organisation_code: str
    question: int
    version: int
    stance: Stance
    text: str
    responded_on: date


def check_code(code: str, what: str = "consultation") -> str:
    code = code.strip()
    if not _CODE.fullmatch(code):
        raise InvalidInput(
            f"The {what} code '{code}' is not valid.",
            input_name="code",
            expected="1-60 lower-case letters, digits or '-', starting with a letter or digit",
        )
    return code


def check_new(consultation: Consultation) -> None:
    """A consultation as created: a title, an owner, forward dates, well-formed questions."""
    check_code(consultation.code)
    if not consultation.title.strip():
        raise InvalidInput(
            f"Consultation {consultation.code} needs a title.",
            input_name="title",
            expected="a non-empty title",
        )
    if consultation.closes < consultation.opens:
        raise InvalidInput(
            f"Consultation {consultation.code} closes ({consultation.closes.isoformat()}) "
            f"before it opens ({consultation.opens.isoformat()}).",
            input_name="closes",
            expected="a closing date on or after the opening date",
        )
    check_questions(consultation.code, (), [q.text for q in consultation.questions])


def check_questions(code: str, existing: Sequence[Question], texts: Sequence[str]) -> None:
    for i, text in enumerate(texts, start=len(existing) + 1):
        if not text.strip():
            raise InvalidInput(
                f"Question {i} of consultation {code} is blank.",
                input_name="question",
                expected="the text of each question",
            )
    seen = {q.text.strip().lower() for q in existing}
    for text in texts:
        key = text.strip().lower()
        if key in seen:
            raise InvalidInput(
                f"Consultation {code} already asks: '{text.strip()[:80]}'.",
                input_name="question",
                expected="questions that are not repeated",
            )
        seen.add(key)


def number_questions(existing: Sequence[Question], texts: Sequence[str]) -> list[Question]:
    start = max((q.number for q in existing), default=0) + 1
    return [Question(start + i, t.strip()) for i, t in enumerate(texts)]


def check_response_date(consultation: Consultation, day: date) -> None:
    if day < consultation.opens:
        raise InvalidInput(
            f"Consultation {consultation.code} opens on {consultation.opens.isoformat()}; "
            f"a response dated {day.isoformat()} is too early.",
            input_name="date",
            expected=f"a date from {consultation.opens.isoformat()} "
            f"to {consultation.closes.isoformat()}",
        )
    if day > consultation.closes:
        raise InvalidInput(
            f"Consultation {consultation.code} closed on {consultation.closes.isoformat()}; "
            f"a response dated {day.isoformat()} is too late.",
            input_name="date",
            expected=f"a date from {consultation.opens.isoformat()} "
            f"to {consultation.closes.isoformat()}",
        )


def next_version(history: Iterable[Response], organisation_code: str, question: int) -> int:
    versions = [
        r.version
        for r in history
        if r.organisation_code == organisation_code and r.question == question
    ]
    return max(versions, default=0) + 1


def latest(history: Iterable[Response]) -> dict[tuple[str, int], Response]:
    """The counted response per (organisation, question): the highest version."""
    current: dict[tuple[str, int], Response] = {}
    for r in history:
        key = (r.organisation_code, r.question)
        if key not in current or r.version > current[key].version:
            current[key] = r
    return current


# -- the aggregated report ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReportLine:
    organisation_code: str
    organisation_name: str
    stance: Stance
    text: str
    version: int
    responded_on: date


@dataclass(frozen=True, slots=True)
class QuestionReport:
    number: int
    text: str
    counts: Mapping[Stance, int]
    respondents: Mapping[Stance, tuple[str, ...]]  # organisation names under each stance
    lines: tuple[ReportLine, ...]
    not_answered: tuple[str, ...] = ()  # respondents who answered other questions only


@dataclass(frozen=True, slots=True)
class ConsultationReport:
    consultation: Consultation
    respondents: tuple[Respondent, ...]
    questions: tuple[QuestionReport, ...] = field(default_factory=tuple)


def build_report(
    consultation: Consultation, respondents: Sequence[Respondent], history: Iterable[Response]
) -> ConsultationReport:
    names = {r.organisation_code: r.name for r in respondents}
    current = latest(history)
    per_question = []
    for q in sorted(consultation.questions, key=lambda q: q.number):
        lines = sorted(
            (
                ReportLine(
                    r.organisation_code,
                    names.get(r.organisation_code, r.organisation_code),
                    r.stance,
                    r.text,
                    r.version,
                    r.responded_on,
                )
                for (_, number), r in current.items()
                if number == q.number
            ),
            key=lambda line: line.organisation_name,
        )
        answered = {line.organisation_code for line in lines}
        per_question.append(
            QuestionReport(
                q.number,
                q.text,
                {s: sum(1 for x in lines if x.stance is s) for s in Stance},
                {s: tuple(x.organisation_name for x in lines if x.stance is s) for s in Stance},
                tuple(lines),
                tuple(sorted(r.name for r in respondents if r.organisation_code not in answered)),
            )
        )
    return ConsultationReport(
        consultation, tuple(sorted(respondents, key=lambda r: r.name)), tuple(per_question)
    )


def report_to_dict(report: ConsultationReport) -> dict[str, Any]:
    c = report.consultation
    return {
        "consultation": {
            "code": c.code,
            "title": c.title,
            "owner": {"code": c.owner_code, "name": c.owner_name},
            "opens": c.opens.isoformat(),
            "closes": c.closes.isoformat(),
            "description": c.description,
        },
        "respondents": [
            {
                "code": r.organisation_code,
                "name": r.name,
                "kind": r.kind,
                "external": r.external,
                "gss_code": r.gss_code,
                "ods_code": r.ods_code,
            }
            for r in report.respondents
        ],
        "questions": [
            {
                "number": q.number,
                "text": q.text,
                "counts": {s.value: q.counts[s] for s in Stance},
                "respondents": {s.value: list(q.respondents[s]) for s in Stance},
                "not_answered": list(q.not_answered),
                "responses": [
                    {
                        "organisation": line.organisation_code,
                        "organisation_name": line.organisation_name,
                        "stance": line.stance.value,
                        "text": line.text,
                        "version": line.version,
                        "responded_on": line.responded_on.isoformat(),
                    }
                    for line in q.lines
                ],
            }
            for q in report.questions
        ],
    }


def _md(text: str) -> str:
    """Text safe inside a Markdown paragraph or table cell."""
    return re.sub(r"([\\`*_\[\]|<>#])", r"\\\1", " ".join(text.split()))


def report_to_markdown(report: ConsultationReport) -> str:
    c = report.consultation
    out = [
        f"# {_md(c.title)}",
        "",
        f"Consultation `{c.code}` by {_md(c.owner_name)}, open {c.opens.isoformat()} "
        f"to {c.closes.isoformat()}. Respondents: {len(report.respondents)}.",
        "",
    ]
    for q in report.questions:
        out += [f"## Question {q.number}", "", f"> {_md(q.text)}", ""]
        out += ["| Stance | Count | Respondents |", "| --- | ---: | --- |"]
        for s in Stance:
            who = ", ".join(_md(n) for n in q.respondents[s]) or "—"
            out.append(f"| {s.value} | {q.counts[s]} | {who} |")
        out.append("")
        for line in q.lines:
            revised = f", version {line.version}" if line.version > 1 else ""
            out.append(
                f"- **{_md(line.organisation_name)}** ({line.stance.value}, "
                f"{line.responded_on.isoformat()}{revised}): {_md(line.text) or '(no text)'}"
            )
        if q.not_answered:
            out.append(f"- Not answered by: {', '.join(_md(n) for n in q.not_answered)}")
        out.append("")
    return "\n".join(out).rstrip() + "\n"
