"""The errors a user can cause, each naming the input and what was expected.

Every layer (CLI, API, web) turns an ``IcsError`` into one clear message: the CLI prints it
and exits non-zero, the API answers with a 4xx and a JSON body. Messages never carry
person-identifiable data: only organisation codes, dates and names of inputs.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class IcsError(Exception):
    """A problem with the user's input or request; nothing has been written."""

    status_code = 400
    code = "invalid_input"

    def __init__(
        self, message: str, *, input_name: str | None = None, expected: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.input_name = input_name
        self.expected = expected

    def to_dict(self) -> dict[str, str | None]:
        return {
            "error": self.code,
            "message": self.message,
            "input": self.input_name,
            "expected": self.expected,
        }


class InvalidInput(IcsError):
    """The input is malformed or breaks a rule (reversed dates, unbalanced, ...)."""


class NotFound(IcsError):
    """A code or name that does not exist; closest matches are suggested."""

    status_code = 404
    code = "not_found"

    def __init__(
        self,
        what: str,
        value: str,
        *,
        input_name: str,
        candidates: Iterable[str] = (),
        expected: str | None = None,
    ) -> None:
        self.suggestions = suggest(value, candidates)
        hint = f" Did you mean: {', '.join(self.suggestions)}?" if self.suggestions else ""
        super().__init__(
            f"Unknown {what} '{value}'.{hint}",
            input_name=input_name,
            expected=expected or f"a known {what}",
        )


class Conflict(IcsError):
    """The request contradicts what is already recorded (e.g. withdrawing twice)."""

    status_code = 409
    code = "conflict"


class WorkspaceError(IcsError):
    """The workspace folder or its database cannot be used."""

    code = "workspace"


class AuthError(IcsError):
    """Missing or wrong credentials."""

    status_code = 401
    code = "unauthorised"


class Forbidden(IcsError):
    """Authenticated, but the role may not do this."""

    status_code = 403
    code = "forbidden"


def suggest(value: str, candidates: Iterable[str], limit: int = 3) -> list[str]:
    """Closest matches by spelling, case-insensitively, best first."""
    pool = list(dict.fromkeys(candidates))
    lowered = {c.lower(): c for c in pool}
    # Substring hits first: "nottingham" should find "NHS Nottingham and Nottinghamshire ICB".
    needle = value.lower().strip()
    hits = [c for c in pool if needle and needle in c.lower()]
    close = difflib.get_close_matches(needle, list(lowered), n=limit, cutoff=0.6)
    ordered = hits + [lowered[c] for c in close]
    return list(dict.fromkeys(ordered))[:limit]
