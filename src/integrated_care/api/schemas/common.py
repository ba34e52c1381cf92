"""What every domain's schemas share: the error body and strictly parsed calendar dates."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

DATE_EXPECTED = "a calendar date as YYYY-MM-DD, e.g. 2019-04-17"
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _parse_date(value: Any) -> Any:
    """Accept only YYYY-MM-DD (not timestamps or week dates that pydantic would allow)."""
    if isinstance(value, date):
        return value
    text = value.strip() if isinstance(value, str) else None
    if text is not None and _ISO_DATE.match(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise PydanticCustomError(
        "date_format",
        "Malformed date {value}",
        {"value": repr(value)[:40], "expected": DATE_EXPECTED},
    )


IsoDate = Annotated[
    date, BeforeValidator(_parse_date), Field(json_schema_extra={"example": "2024-04-01"})
]
CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$"
CODE_EXPECTED = "a code of up to 40 letters, digits, '.', '_' or '-', e.g. QT1 or E06000018"


def _check_code(value: str) -> str:
    if not re.match(CODE_PATTERN, value):
        raise PydanticCustomError(
            "code_format",
            "{value} is not a code",
            {"value": repr(value)[:50], "expected": CODE_EXPECTED},
        )
    return value


# A code as the platform keys it: ODS (QT1, C84001), GSS (E06000018) or a slug.
Code = Annotated[
    str, AfterValidator(_check_code), Field(json_schema_extra={"pattern": CODE_PATTERN})
]
# A code or a name, for looking an organisation up: unknown ones get suggestions.
CodeOrName = Annotated[str, Field(min_length=1, max_length=200)]


class ApiModel(BaseModel):
    """Refuses unknown fields, so a misspelt field is an error rather than silently ignored."""

    model_config = ConfigDict(extra="forbid")


class ErrorRead(BaseModel):
    """Every 4xx answer: what went wrong, which input, and what was expected instead."""

    error: str = Field(description="A machine-readable kind, e.g. not_found, conflict.")
    message: str = Field(description="One clear sentence for a person.")
    input: str | None = Field(description="The input (field, parameter or header) at fault.")
    expected: str | None = Field(description="What would have been accepted.")


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the error answers a route can give."""
    descriptions = {
        400: "Invalid input",
        401: "Not signed in, or the token is invalid, expired or revoked",
        403: "The role may not do this",
        404: "Unknown code",
        409: "Conflicts with what is recorded",
        422: "Malformed request",
    }
    return {c: {"model": ErrorRead, "description": descriptions[c]} for c in codes}
