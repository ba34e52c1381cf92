"""Shared set-up for the governance API tests: the N&N ICB board of ``governance.fixtures``
with its latest meeting published and attendance recorded (nothing voted yet), two board
members with logins, and a row count of every table of the database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import inspect, text
from tests.integration.api.conftest import API, PASSWORD, SYSTEM, Api

from integrated_care.access import LOCAL_OPERATOR
from integrated_care.governance.fixtures import nottingham_icb_board
from integrated_care.services import users
from integrated_care.services.governance import scenario
from integrated_care.services.register_events import attach_signer, signer_for
from integrated_care.workspace import Workspace

CITY = "E06000018"
CITY_MEMBER = "city-member"  # partner-city: Nottingham City Council's partner member
NUH_MEMBER = "nuh-member"  # partner-nuh: declared an interest in NUH, recused from item 6


def all_counts(ws: Workspace) -> dict[str, int]:
    """Rows in every table of the database (the register's and the audit log included)."""
    with ws.engine.connect() as connection:
        return {
            table: connection.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one()  # noqa: S608
            for table in sorted(inspect(connection).get_table_names())
        }


@dataclass
class Board:
    api: Api
    meeting: int
    proposals: dict[str, int]
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def ws(self) -> Workspace:
        return self.api.workspace

    def headers(self, user: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[user]}"}

    def post_as(self, user: str, path: str, body: Any = None) -> Any:
        return self.api.client.post(API + path, json=body, headers=self.headers(user))

    def get_as(self, user: str, path: str) -> Any:
        return self.api.client.get(API + path, headers=self.headers(user))

    def refused(self, reply: Any, status: int, before: dict[str, int]) -> dict[str, Any]:
        """The common error body with ``status``, and no table of the database changed."""
        body = self.api.error(reply, status)
        assert all_counts(self.ws) == before, body
        return body


def build(api: Api) -> Board:
    """The board, its meeting two days ago (agenda published ten days before), the City
    Council's and the NUH partner members linked to logins."""
    ws = api.workspace
    now = datetime.now(UTC).replace(microsecond=0)
    start = (now - timedelta(days=2)).replace(hour=9, minute=30, second=0)
    data = nottingham_icb_board(
        meeting_starts_at=start, agenda_published_at=start - timedelta(days=8)
    )
    tokens = {}
    with ws.uow() as uow:
        attach_signer(uow, signer_for(ws))
        users.add_user(
            uow, CITY_MEMBER, PASSWORD, "partner", actor=LOCAL_OPERATOR, organisation_code=CITY
        )
        users.add_user(uow, NUH_MEMBER, PASSWORD, "partner", actor=LOCAL_OPERATOR)
        result = scenario.build(
            uow,
            SYSTEM,
            data,
            actor=LOCAL_OPERATOR,
            decide=False,
            users={"partner-city": CITY_MEMBER, "partner-nuh": NUH_MEMBER},
        )
        for name in (CITY_MEMBER, NUH_MEMBER):
            tokens[name] = users.issue_token_for(uow, name)
        uow.commit()
    return Board(api, result.meeting_id, dict(result.proposals), tokens)
