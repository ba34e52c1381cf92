"""Journal files for ``ics finance post --file`` (pure: parses text already read).

JSON: one journal object, a list of them, or ``{"journals": [...]}``::

    {"journals": [
      {"key": "alloc-core-2025-26", "posted_on": "2025-04-01",
       "description": "NHS England core allocation", "reference": "allocation letter",
       "legs": [
         {"account": "icb:core-2025-26:unallocated", "debit": "1,234,567.89"},
         {"account": "icb:core-2025-26:nhse-funding", "credit": "1234567.89", "memo": "M1"}
       ]}
    ]}

Each leg names its ``account`` and exactly one of ``debit`` or ``credit`` (pounds, a
positive amount written as text or a number with at most two decimals) or ``pence`` (a
signed whole number: debit > 0, credit < 0). Numbers are read as decimals, never floats.

CSV: one row per leg, with the header ``key,posted_on,description,reference,account,debit,
credit,memo``; consecutive rows with the same key form one journal (its date, description
and reference come from its first row).

Every problem is reported as one InvalidInput naming the file and the field
(``journal.json: journals[1].legs[0].debit``).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal
from typing import Any

from integrated_care.errors import InvalidInput
from integrated_care.finance.ledger.model import JournalRequest, Leg
from integrated_care.finance.money import parse_pounds

CSV_COLUMNS = ("key", "posted_on", "description", "reference", "account", "debit", "credit", "memo")
JOURNAL_FIELDS = {"key", "posted_on", "description", "reference", "legs"}
LEG_FIELDS = {"account", "debit", "credit", "pence", "memo"}


def _bad(name: str, field: str, problem: str, expected: str) -> InvalidInput:
    return InvalidInput(f"{name}: {field} {problem}.", input_name=field, expected=expected)


def parse_journal_file(name: str, content: str) -> list[JournalRequest]:
    """Journals from a file's text; ``name`` (the file name) chooses CSV or JSON."""
    if name.lower().endswith(".csv"):
        return _from_csv(name, content)
    try:
        data = json.loads(content, parse_float=Decimal)
    except ValueError as exc:
        raise _bad(name, "file", f"is not valid JSON ({exc})", "a JSON journal file") from None
    if isinstance(data, dict) and "journals" in data:
        data = data["journals"]
        where = "journals"
    elif isinstance(data, dict):
        data = [data]
        where = "journal"
    else:
        where = "journals"
    if not isinstance(data, list) or not data:
        raise _bad(name, where, "is not a non-empty list of journals", "a list of journal objects")
    return [
        _journal(name, f"{where}[{n}]" if where == "journals" else where, j)
        for n, j in enumerate(data)
    ]


def _text(name: str, field: str, value: Any, *, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise _bad(name, field, "is missing or not text", "a text value")
    return value


def _date(name: str, field: str, value: Any) -> date:
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise _bad(name, field, f"is not a date: {value!r}", "a date as YYYY-MM-DD") from None


def _journal(
    name: str, where: str, data: Any, leg_names: list[str] | None = None
) -> JournalRequest:
    if not isinstance(data, dict):
        raise _bad(name, where, "is not an object", "an object with key, posted_on, legs")
    unknown = sorted(set(data) - JOURNAL_FIELDS)
    if unknown:
        raise _bad(
            name,
            f"{where}.{unknown[0]}",
            "is not a journal field",
            ", ".join(sorted(JOURNAL_FIELDS)),
        )
    legs = data.get("legs")
    if not isinstance(legs, list) or not legs:
        raise _bad(name, f"{where}.legs", "is missing or empty", "a list of legs")
    return JournalRequest(
        key=_text(name, f"{where}.key", data.get("key")),
        posted_on=_date(name, f"{where}.posted_on", data.get("posted_on")),
        description=_text(name, f"{where}.description", data.get("description")),
        reference=_text(name, f"{where}.reference", data.get("reference"), required=False),
        legs=tuple(
            _leg(name, leg_names[n] if leg_names else f"{where}.legs[{n}]", leg)
            for n, leg in enumerate(legs)
        ),
    )


def _leg(name: str, where: str, data: Any) -> Leg:
    if not isinstance(data, dict):
        raise _bad(name, where, "is not an object", "an object with account and debit or credit")
    unknown = sorted(set(data) - LEG_FIELDS)
    if unknown:
        raise _bad(
            name, f"{where}.{unknown[0]}", "is not a leg field", ", ".join(sorted(LEG_FIELDS))
        )
    given = [f for f in ("debit", "credit", "pence") if data.get(f) not in (None, "")]
    if len(given) != 1:
        raise _bad(name, where, "needs exactly one of debit, credit or pence", "one amount per leg")
    field = given[0]
    value = data[field]
    if field == "pence":
        if isinstance(value, bool) or not isinstance(value, int):
            raise _bad(name, f"{where}.pence", f"is not a whole number: {value!r}", "signed pence")
        amount = value
    else:
        if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
            raise _bad(
                name, f"{where}.{field}", f"is not an amount: {value!r}", "pounds, e.g. 12.34"
            )
        try:
            amount = parse_pounds(str(value), input_name=f"{where}.{field}")
        except InvalidInput as error:
            raise _bad(
                name, f"{where}.{field}", f"is not valid ({error.message})", "pounds, e.g. 12.34"
            ) from None
        if field == "credit":
            amount = -amount
    return Leg(
        account=_text(name, f"{where}.account", data.get("account")),
        amount=amount,
        memo=_text(name, f"{where}.memo", data.get("memo"), required=False),
    )


def _from_csv(name: str, content: str) -> list[JournalRequest]:
    reader = csv.DictReader(io.StringIO(content))
    missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise _bad(name, missing[0], "column is missing", "columns " + ",".join(CSV_COLUMNS))
    groups: list[tuple[int, dict[str, str], list[Any]]] = []
    for line, row in enumerate(reader, start=2):
        leg = {
            "account": row["account"],
            "debit": row["debit"],
            "credit": row["credit"],
            "memo": row["memo"],
        }
        if groups and groups[-1][1]["key"] == row["key"]:
            groups[-1][2].append(leg)
        else:
            groups.append((line, row, [leg]))
    if not groups:
        raise _bad(name, "file", "has no rows", "one row per leg")
    journals = []
    for line, first, legs in groups:
        data = {k: first[k] for k in ("key", "posted_on", "description", "reference")}
        names = [f"line {line + n}" for n in range(len(legs))]
        journals.append(_journal(name, f"line {line}", {**data, "legs": legs}, names))
    return journals
