"""The OpenAPI document, and the one error shape for every kind of failure."""

from __future__ import annotations

from integrated_care.access import Role

PATHS = {
    "/api/v1/auth/token": {"post"},
    "/api/v1/auth/revoke": {"post"},
    "/api/v1/auth/me": {"get"},
    "/api/v1/users": {"get", "post"},
    "/api/v1/audit": {"get"},
    "/api/v1/reference/datasets": {"get"},
    "/api/v1/reference/icbs": {"get"},
    "/api/v1/system": {"get"},
    "/api/v1/structure": {"get"},
    "/api/v1/places": {"get", "post"},
    "/api/v1/places/{code}": {"get"},
    "/api/v1/places/reconfigure": {"post"},
    "/api/v1/pcns": {"get"},
    "/api/v1/pcns/{code}": {"get"},
    "/api/v1/practices/{code}": {"get"},
    "/api/v1/organisations": {"get", "post"},
    "/api/v1/validation": {"get"},
    "/api/v1/bodies": {"get"},
    "/api/v1/membership": {"get"},
    "/api/v1/membership/{action}": {"post"},
}


def test_openapi_lists_every_path_with_a_description(api) -> None:
    reply = api.client.get("/api/v1/openapi.json")
    assert reply.status_code == 200, reply.text
    schema = reply.json()
    paths = schema["paths"]
    for path, methods in PATHS.items():
        assert path in paths, path
        assert methods <= set(paths[path]), (path, set(paths[path]))
        for method in methods:
            operation = paths[path][method]
            assert operation.get("description"), f"{method.upper()} {path} has no docstring"
            assert operation.get("tags"), f"{method.upper()} {path} has no tag"
    writes = paths["/api/v1/membership/{action}"]["post"]["responses"]
    assert {"201", "401", "403", "409", "422"} <= set(writes)
    error = schema["components"]["schemas"]["ErrorRead"]
    assert set(error["properties"]) == {"error", "message", "input", "expected"}
    assert api.client.get("/api/v1/docs").status_code == 200


def test_unknown_api_path_and_method_use_the_error_shape(api) -> None:
    body = api.error(api.client.get("/api/v1/no-such-thing"), 404)
    assert body["error"] == "not_found"
    body = api.error(api.client.delete("/api/v1/places"), 405)
    assert body["error"] == "method_not_allowed"


def test_body_that_is_not_json_is_422(api) -> None:
    before = api.counts()
    reply = api.client.post(
        "/api/v1/places",
        content=b"code=x&name=y",
        headers=api.auth(Role.ADMIN) | {"Content-Type": "application/json"},
    )
    body = api.refused(before, reply, 422, "body")
    assert "not valid JSON" in body["message"]


def test_missing_body_is_422(api) -> None:
    before = api.counts()
    body = api.refused(before, api.post("/places", None, Role.ADMIN), 422, "body")
    assert body["message"] == "The request body is missing."


def test_several_problems_name_the_first_and_count_the_rest(api) -> None:
    before = api.counts()
    reply = api.post("/places", {"name": 5, "effective": "soon"}, Role.ADMIN)
    body = api.refused(before, reply, 422, "code")  # fields are checked in order
    assert body["message"] == "Missing field 'code'. (2 more problems after this.)"
