"""What the browser tests share: uvicorn serving a workspace on a loopback port, and Debian's
Chromium (never a downloaded browser) driven by Playwright, watched for requests that leave
127.0.0.1 and for console errors."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest

from integrated_care.api.app import create_app
from integrated_care.workspace import Workspace

if TYPE_CHECKING:
    from playwright.sync_api import ConsoleMessage, Page, Request

CHROMIUM = Path("/usr/bin/chromium")
BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} (Debian chromium) is missing"),
]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@dataclass
class Watch:
    """Everything the browser fetched or complained about while a test ran."""

    hosts: set[str] = field(default_factory=set)
    errors: list[str] = field(default_factory=list)


@contextmanager
def served(workspace: Workspace) -> Iterator[str]:
    """Serve ``workspace`` with uvicorn in a thread; yield its base URL."""
    import uvicorn

    # Bind first and hand the socket to uvicorn: no race for a "free" port number.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(workspace), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
        workspace.engine.dispose()


@contextmanager
def watched_page() -> Iterator[tuple[Page, Watch]]:
    """A Chromium page; afterwards, asserts nothing left 127.0.0.1 and nothing was logged."""
    from playwright.sync_api import sync_playwright

    watch = Watch()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1000})

        def on_request(request: Request) -> None:
            watch.hosts.add(urlsplit(request.url).hostname or "")

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                watch.errors.append(message.text)

        page.on("request", on_request)
        page.on("console", on_console)
        page.on("pageerror", lambda exc: watch.errors.append(str(exc)))
        try:
            yield page, watch
        finally:
            browser.close()
    assert watch.hosts <= {"127.0.0.1"}, f"requests left this machine: {watch.hosts}"
    assert watch.errors == [], f"the browser logged errors: {watch.errors}"
