"""What the governance pages' forms do, and the reads that need the workspace itself.

A signed-in board member records their own vote on an open proposal (the seat linked to
their username); a board secretary opens and closes votes. Closing records the decision and
its ballots in the public register and signs a new tree head, so the register page shows
the decision covered by a signature at once. The services check every role and refusal.
"""

from __future__ import annotations

from integrated_care.access import ANONYMOUS, Actor
from integrated_care.errors import AuthError, InvalidInput, NotFound
from integrated_care.governance.model import Choice
from integrated_care.persistence.uow import UnitOfWork
from integrated_care.services import governance_queries as queries
from integrated_care.services.governance import voting
from integrated_care.services.register_events import signer_for
from integrated_care.web.views.governance_register import RegisterPage, register_page
from integrated_care.workspace import Workspace

DONE = {
    "vote": "Your vote has been recorded.",
    "open": "The vote is open.",
    "close": "The vote has closed. The decision and every vote are in the public register.",
}
ACTIONS = ("vote", "open", "close")
CHOICES = {"for": Choice.FOR, "against": Choice.AGAINST, "abstain": Choice.ABSTAIN}


def act(
    uow: UnitOfWork,
    workspace: Workspace,
    proposal_id: int,
    action: str,
    choice: str,
    *,
    actor: Actor,
) -> str:
    """Do one form's action; returns the key of the message to show."""
    if action not in ACTIONS:
        raise NotFound("action", action, input_name="action", candidates=ACTIONS)
    if actor is ANONYMOUS:
        raise AuthError("Sign in first.", input_name="sign-in", expected="a signed-in user")
    system = workspace.system
    if action == "vote":
        if choice not in CHOICES:
            raise InvalidInput(
                "Choose how you vote.", input_name="choice", expected="for, against or abstain"
            )
        seat = queries.seat_to_vote_with(uow, system, proposal_id, actor, None)
        voting.cast_vote(uow, system, proposal_id, seat, CHOICES[choice], actor=actor)
    elif action == "open":
        voting.open_vote(uow, system, proposal_id, actor=actor)
    else:
        voting.close_vote(uow, system, proposal_id, actor=actor)
        queries.sign_tree_head(uow, system, signer_for(workspace), actor=actor)
    return action


def audit_private(
    uow: UnitOfWork, system_code: str, actor: Actor, private: bool, resource: str
) -> None:
    """Audit a signed-in read of a private item's content before its publication date."""
    if private:
        queries.note_private_read(uow, system_code, actor, resource)
        uow.commit()


def register(uow: UnitOfWork, workspace: Workspace, start: int | None) -> RegisterPage:
    signer = signer_for(workspace)
    return register_page(uow, workspace.system, signer.public_key, signer.public_key_b64, start)
