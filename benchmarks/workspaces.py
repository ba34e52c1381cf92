"""Making workspaces the way the CLI does, and choosing which ICB to benchmark."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from integrated_care.access import LOCAL_OPERATOR
from integrated_care.reference.models import Icb
from integrated_care.services.reference_area import reference
from integrated_care.services.structure import InitSummary, init_system
from integrated_care.workspace import Workspace


def ics_init(
    path: Path, icb: str, database_url: str | None = None
) -> tuple[Workspace, InitSummary]:
    """What ``ics init --icb <icb> --workspace <path>`` does, in this process."""
    ws = Workspace.at(path, database_url)
    path.mkdir(parents=True, exist_ok=True)
    ws.migrate()
    with ws.uow() as uow:
        summary = init_system(uow, icb, actor=LOCAL_OPERATOR)
        uow.commit()
    ws.save_settings(summary.system_code)
    return ws, summary


def largest_icb() -> tuple[Icb, int]:
    """The ICB with the most GP practices in the reference data, and that count."""
    ref = reference()
    counts = Counter(p.icb_gss_code for p in ref.practices())
    gss, practices = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
    return ref.icb(gss), practices


def all_icbs() -> list[Icb]:
    return list(reference().icbs())
