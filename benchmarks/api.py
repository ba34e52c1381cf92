"""API latency over the N&N demo workspace, in process through FastAPI's TestClient.

Each endpoint gets one untimed warm-up request, then the timed requests. An endpoint that
answers 404 (not built yet), or an application that cannot be created at all, is recorded
as "unavailable" with the reason; nothing fails. If an endpoint needs a signed-in user
(401/403 anonymously), the demo administrator's bearer token is used and the note says so.
"""

from __future__ import annotations

import time
import warnings
from pathlib import Path

from benchmarks.common import Config, Result, say, summarised, temp_dir, unavailable
from integrated_care.demo.build import build_demo
from integrated_care.services import users
from integrated_care.workspace import Workspace

AREA = "api"
ENDPOINTS: tuple[tuple[str, str, str], ...] = (
    ("api.structure", "/api/v1/structure?depth=practice", "the structure tree to practices"),
    ("api.places", "/api/v1/places", "the list of places"),
    ("api.membership", "/api/v1/membership", "the membership list"),
    ("api.web_overview", "/", "the web UI overview page (HTML)"),
)
REQUESTS = 50
DEMO_ADMIN = "demo-admin"


def _token(ws: Workspace) -> str:
    with ws.uow() as uow:
        token = users.issue_token_for(uow, DEMO_ADMIN)
        uow.commit()
    return token


def _measure(ws: Workspace) -> list[Result]:
    with warnings.catch_warnings():
        # Starlette's TestClient warns that it wants httpx2; irrelevant for timing.
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    try:
        from integrated_care.api.app import create_app

        app = create_app(ws)
    except Exception as exc:
        reason = f"create_app failed: {exc.__class__.__name__}: {exc}"
        say(f"  api unavailable: {reason}")
        return [
            unavailable(name, AREA, f"GET {path}: {what}", reason) for name, path, what in ENDPOINTS
        ]

    results: list[Result] = []
    with TestClient(app) as client:
        for name, path, what in ENDPOINTS:
            measures = f"GET {path} ({what}), {REQUESTS} requests"
            headers: dict[str, str] = {}
            note = "anonymous"
            try:
                response = client.get(path)
                if response.status_code in (401, 403):
                    headers = {"Authorization": f"Bearer {_token(ws)}"}
                    note = f"signed in as the demo admin (anonymous got {response.status_code})"
                    response = client.get(path, headers=headers)
            except Exception as exc:
                reason = f"request raised {exc.__class__.__name__}: {exc}"
                results.append(unavailable(name, AREA, measures, reason))
                say(f"  {name} unavailable: {reason}")
                continue
            if response.status_code != 200:
                reason = f"HTTP {response.status_code}" + (
                    " (endpoint not built yet)" if response.status_code == 404 else ""
                )
                results.append(unavailable(name, AREA, measures, reason))
                say(f"  {name} unavailable: {reason}")
                continue
            size = len(response.content)
            samples: list[float] = []
            for _ in range(REQUESTS):
                start = time.perf_counter()
                response = client.get(path, headers=headers)
                samples.append(time.perf_counter() - start)
                if response.status_code != 200:
                    raise RuntimeError(f"{path} answered {response.status_code} mid-run")
            result = summarised(
                name, AREA, measures, samples, note=note, tails=True, extra={"bytes": size}
            )
            result.throughput = len(samples) / sum(samples)  # one client, back to back
            result.throughput_unit = "requests/s"
            results.append(result)
            say(f"  {name}: median {result.median_s or 0:.4f} s, {size} bytes")
    return results


def run(config: Config) -> list[Result]:
    del config  # 50 requests per endpoint in both modes: they are cheap
    with temp_dir("api") as folder:
        ws = build_demo(Path(folder) / "demo")
        try:
            return _measure(ws)
        finally:
            ws.engine.dispose()
