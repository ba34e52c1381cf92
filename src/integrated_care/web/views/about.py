"""About the data: each packaged dataset with its vintage and publisher, and the attribution.

The attribution is rendered from the package's own ``ATTRIBUTION.md`` so the page and the
file can never disagree. Raw HTML in the Markdown is not passed through.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from html import escape
from importlib import resources

from markdown_it import MarkdownIt
from markdown_it.token import Token

from integrated_care.reference.catalogue import OGL
from integrated_care.reference.loader import ReferenceData


@dataclass(frozen=True, slots=True)
class DatasetRow:
    title: str
    file: str
    publisher: str
    vintage: str
    licence: str
    rows: int


@dataclass(frozen=True, slots=True)
class AboutData:
    datasets: tuple[DatasetRow, ...]
    licence: str
    attribution_html: str


def _demote_headings(tokens: list[Token], by: int) -> None:
    """The page has its own h1, so the file's '#' becomes h2 and so on (headings in order)."""
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            level = min(int(token.tag[1]) + by, 6)
            token.tag = f"h{level}"


def _style(tokens: list[Token]) -> None:
    """Give the Markdown's elements the NHS.UK frontend's classes."""
    classes = {
        "table_open": "nhsuk-table",
        "thead_open": "nhsuk-table__head",
        "tr_open": "nhsuk-table__row",
        "th_open": "nhsuk-table__header",
        "td_open": "nhsuk-table__cell",
        "bullet_list_open": "nhsuk-list nhsuk-list--bullet",
    }
    for token in tokens:
        if token.type in classes:
            token.attrSet("class", classes[token.type])
        if token.type == "tbody_open":
            token.attrSet("class", "nhsuk-table__body")


def _caption_tables(tokens: list[Token]) -> list[Token]:
    """Caption each table with the heading above it, for screen readers (it is already shown)."""
    result: list[Token] = []
    heading = "Table"
    for i, token in enumerate(tokens):
        result.append(token)
        if token.type == "heading_open" and i + 1 < len(tokens):
            heading = tokens[i + 1].content
        if token.type == "table_open":
            caption = Token("html_block", "", 0)
            # Our own markup around escaped text; the parser still refuses HTML in the file.
            caption.content = (
                f'<caption class="nhsuk-u-visually-hidden">{escape(heading)}</caption>'
            )
            result.append(caption)
    return result


@lru_cache(maxsize=1)
def attribution_html() -> str:
    text = (resources.files("integrated_care.reference") / "ATTRIBUTION.md").read_text("utf-8")
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    tokens = md.parse(text)
    _demote_headings(tokens, 1)
    _style(tokens)
    tokens = _caption_tables(tokens)
    html: str = md.renderer.render(tokens, md.options, {})
    return html


@lru_cache(maxsize=1)
def _datasets() -> tuple[DatasetRow, ...]:
    # Counting rows reads every file once; the data is packaged and read-only, so once per
    # process is enough.
    return tuple(
        DatasetRow(info.title, info.file, info.publisher, info.vintage, info.licence, rows)
        for info, rows in ReferenceData.packaged().info()
    )


def about_data() -> AboutData:
    return AboutData(_datasets(), OGL, attribution_html())
