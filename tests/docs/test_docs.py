"""The documentation stays true to the code.

1. Every ``ics ...`` command line shown in ``README.md`` or ``docs/*.md`` inside a fenced
   ```` ```console ```` block (a line starting with ``$ ics ``) still parses: the same line
   with ``--help`` appended exits 0. A renamed or removed command or option fails here.
   ``--help`` is eager, so nothing runs and no workspace is needed. The README's quick
   start (``$ .venv/bin/ics ...``) is checked the same way.
2. Every relative link in ``README.md`` and ``docs/*.md`` points to an existing file, and
   a ``#fragment`` into a Markdown file names one of its headings.
3. Every ```` ```pycon ```` session in ``README.md`` and ``docs/*.md`` (the worked
   evaluations of the Nottingham rule in ``docs/governance.md``) runs as a doctest and
   prints exactly what the document shows, so a quoted explanation cannot drift from what
   the rule engine says.
"""

from __future__ import annotations

import doctest
import re
import shlex
from functools import cache
from pathlib import Path

import pytest
from typer.testing import CliRunner

from integrated_care.cli.main import app

ROOT = Path(__file__).resolve().parents[2]
USER_GUIDE = ROOT / "docs" / "user-guide.md"
GOVERNANCE = ROOT / "docs" / "governance.md"
README = ROOT / "README.md"
PROMPTS = ("$ ics ", "$ .venv/bin/ics ")
DOCUMENTS = sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md")])

_FENCE = re.compile(r"^(`{3,}|~{3,})\s*([\w+-]*)")
# [text](target) and ![alt](target), not inside inline code; the target ends at the first
# space (a title may follow) or closing parenthesis.
_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+[\"'][^)]*[\"'])?\s*\)")
_INLINE_CODE = re.compile(r"`[^`]*`")
_EXTERNAL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")  # http:, https:, mailto:, ...


def _blocks(text: str) -> list[tuple[str, list[str]]]:
    """The fenced code blocks of a Markdown text as (info string, lines)."""
    blocks: list[tuple[str, list[str]]] = []
    fence: str | None = None
    info = ""
    lines: list[str] = []
    for line in text.splitlines():
        match = _FENCE.match(line.strip())
        if fence is None:
            if match:
                fence, info, lines = match.group(1), match.group(2).lower(), []
        elif match and match.group(1).startswith(fence) and not match.group(2):
            blocks.append((info, lines))
            fence = None
        else:
            lines.append(line)
    return blocks


def _prose(text: str) -> str:
    """The text outside fenced code blocks and inline code, where links live."""
    kept: list[str] = []
    fence: str | None = None
    for line in text.splitlines():
        match = _FENCE.match(line.strip())
        if fence is None and match:
            fence = match.group(1)
            continue
        if fence is not None:
            if match and match.group(1).startswith(fence) and not match.group(2):
                fence = None
            continue
        kept.append(_INLINE_CODE.sub("", line))
    return "\n".join(kept)


def console_commands(text: str) -> list[str]:
    """Command lines (``$ ics ...``) of the ``console`` blocks, continuations joined."""
    commands: list[str] = []
    for info, lines in _blocks(text):
        if info != "console":
            continue
        pending: str | None = None
        for line in lines:
            if pending is not None:
                pending += " " + line.strip()
            elif line.strip().startswith(PROMPTS):
                pending = line.strip()[2:].strip().removeprefix(".venv/bin/")
            else:
                continue
            if pending.endswith("\\"):
                pending = pending[:-1].rstrip()
                continue
            commands.append(pending)
            pending = None
    return commands


def _slug(heading: str) -> str:
    """A heading's anchor as GitHub makes it: lower case, punctuation dropped, '-' for ' '."""
    text = re.sub(r"[`*]|<[^>]+>", "", heading).strip().lower()
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


@cache
def anchors(path: Path) -> frozenset[str]:
    """Every heading anchor of a Markdown file (repeated headings get -1, -2, ...)."""
    seen: dict[str, int] = {}
    result: set[str] = set()
    for line in _prose(path.read_text(encoding="utf-8")).splitlines():
        match = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if not match:
            continue
        slug = _slug(match.group(1))
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        result.add(slug if count == 0 else f"{slug}-{count}")
    return frozenset(result)


def relative_links(path: Path) -> list[str]:
    targets = _LINK.findall(_prose(path.read_text(encoding="utf-8")))
    return [t for t in targets if not _EXTERNAL.match(t)]


def pycon_sessions(text: str) -> list[tuple[int, str]]:
    """The ``pycon`` blocks of a Markdown text: (0-based line of the block's first line, the
    block as one doctest source)."""
    starts = [
        n + 1
        for n, line in enumerate(text.splitlines())
        if (match := _FENCE.match(line.strip())) and match.group(2).lower() == "pycon"
    ]
    sources = ["\n".join(lines) + "\n" for info, lines in _blocks(text) if info == "pycon"]
    return list(zip(starts, sources, strict=True))


COMMANDS = console_commands(USER_GUIDE.read_text(encoding="utf-8"))
GOVERNANCE_COMMANDS = console_commands(GOVERNANCE.read_text(encoding="utf-8"))
README_COMMANDS = console_commands(README.read_text(encoding="utf-8"))
LINKS = [(doc, target) for doc in DOCUMENTS for target in relative_links(doc)]
SESSIONS = [
    (doc, line, session)
    for doc in DOCUMENTS
    for line, session in pycon_sessions(doc.read_text(encoding="utf-8"))
]


def test_the_user_guide_shows_commands() -> None:
    # Guards the parser above: a formatting change must not make the next test vacuous.
    assert len(COMMANDS) >= 20, COMMANDS
    shown = {" ".join(shlex.split(c)[1:3]) for c in COMMANDS}
    for group in ("structure show", "places reconfigure", "members suspend", "members history"):
        assert group in shown, f"the user guide no longer shows 'ics {group}'"


def test_the_governance_guide_shows_commands() -> None:
    # As above: the governance guide's walkthrough must stay under test.
    assert len(GOVERNANCE_COMMANDS) >= 40, GOVERNANCE_COMMANDS
    shown = {" ".join(shlex.split(c)[1:3]) for c in GOVERNANCE_COMMANDS}
    for group in (
        "governance rules",
        "governance bodies",
        "governance seats",
        "governance interests",
        "governance meetings",
        "governance items",
        "governance vote",
        "governance proposals",
        "governance consultations",
        "governance plans",
        "register export",
        "register verify",
    ):
        assert group in shown, f"docs/governance.md no longer shows 'ics {group}'"


def test_the_governance_guide_runs_the_worked_example() -> None:
    sessions = [s for doc, _, s in SESSIONS if doc == GOVERNANCE]
    assert sessions, "docs/governance.md has no pycon session"
    assert any("unanimity-for-outsourcing" in s and "CONTRACT_AWARD" in s for s in sessions)


def test_the_documents_exist() -> None:
    names = {d.relative_to(ROOT).as_posix() for d in DOCUMENTS}
    for name in (
        "README.md",
        "docs/architecture.md",
        "docs/glossary.md",
        "docs/user-guide.md",
        "docs/governance.md",
    ):
        assert name in names


# Every document's console commands, not only the guides': finance, data and the others too.
SHOWN = [
    (doc.relative_to(ROOT).as_posix(), c)
    for doc in DOCUMENTS
    for c in console_commands(doc.read_text(encoding="utf-8"))
]


@pytest.mark.parametrize(
    ("source", "command"), SHOWN, ids=[f"{i:02d} {c[:60]}" for i, (_, c) in enumerate(SHOWN)]
)
def test_shown_command_parses(source: str, command: str) -> None:
    args = shlex.split(command)
    assert args[0] == "ics"
    result = CliRunner().invoke(app, [*args[1:], "--help"])
    assert result.exit_code == 0, (
        f"'{command}' from {source} no longer parses (exit {result.exit_code}):\n{result.output}"
    )


@pytest.mark.parametrize(
    ("document", "target"),
    LINKS,
    ids=[f"{d.relative_to(ROOT).as_posix()}->{t}" for d, t in LINKS],
)
def test_relative_link_resolves(document: Path, target: str) -> None:
    path_part, _, fragment = target.partition("#")
    resolved = (document.parent / path_part).resolve() if path_part else document
    assert resolved.exists(), f"{document.relative_to(ROOT)} links to missing {target}"
    if fragment and resolved.suffix == ".md":
        assert fragment in anchors(resolved), (
            f"{document.relative_to(ROOT)} links to #{fragment}, which is not a heading "
            f"of {resolved.relative_to(ROOT)}"
        )


@pytest.mark.parametrize(
    ("document", "line", "session"),
    SESSIONS,
    ids=[f"{d.relative_to(ROOT).as_posix()}:{n + 1}" for d, n, _ in SESSIONS],
)
def test_python_session_prints_what_is_shown(document: Path, line: int, session: str) -> None:
    name = f"{document.relative_to(ROOT).as_posix()}:{line + 1}"
    test = doctest.DocTestParser().get_doctest(session, {}, name, str(document), line)
    report: list[str] = []
    runner = doctest.DocTestRunner()
    result = runner.run(test, out=report.append, clear_globs=True)
    assert result.failed == 0, (
        f"{name}: the session no longer prints what the document shows:\n" + "".join(report)
    )
