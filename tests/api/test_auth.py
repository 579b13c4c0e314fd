"""Bearer-token authentication, the JSON shape of every error, and the published schema."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client, RequestFactory
from django.utils import timezone

from tests.api.tokens import api_client, make_token
from tests.conftest import Tree
from tuyengiao.accounts.models import ApiToken, User
from tuyengiao.api import on_django_validation_error, on_server_error

UNITS = "/api/v1/units"


def assert_401(response: Any, error: str | None) -> dict[str, Any]:
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json; charset=utf-8"
    challenge = response["WWW-Authenticate"]
    assert challenge.startswith("Bearer ")
    if error:
        assert f'error="{error}"' in challenge
    else:
        assert "error=" not in challenge
    body: dict[str, Any] = response.json()
    assert isinstance(body["detail"], str) and body["detail"]
    return body


def test_token_from_the_management_command_opens_the_api(upper_officer: User) -> None:
    token = make_token(upper_officer)
    assert token.startswith("tg_")

    response = api_client(token).get(UNITS)

    assert response.status_code == 200
    assert [u["code"] for u in response.json()["items"]] == ["GD", "GD-001", "GD-002"]
    assert ApiToken.objects.get(user=upper_officer).last_used_at is not None


def test_only_the_digest_of_a_token_is_stored(upper_officer: User) -> None:
    token = make_token(upper_officer)
    stored = ApiToken.objects.get(user=upper_officer)
    assert stored.digest == hashlib.sha256(token.encode()).hexdigest()
    assert token not in {stored.digest, stored.prefix}


def test_missing_token_is_refused_with_a_bearer_challenge(tree: Tree) -> None:
    body = assert_401(Client().get(UNITS), error=None)
    assert "Bearer" in str(body["detail"])


@pytest.mark.parametrize(
    "header",
    ["Token abc", "Bearer", "Bearer    ", "Basic dXNlcjpwYXNz", "tg_abcdef"],
)
def test_malformed_authorization_header_is_refused(upper_officer: User, header: str) -> None:
    make_token(upper_officer)  # a real token exists; the header just does not carry it right
    assert_401(Client(headers={"Authorization": header}).get(UNITS), error="invalid_request")


@pytest.mark.parametrize(
    "token",
    [
        "tg_" + secrets.token_urlsafe(32),  # forged: right prefix, random body
        "xx_" + secrets.token_urlsafe(32),  # wrong prefix
        "tg_",
    ],
    ids=["forged", "wrong-prefix", "prefix-only"],
)
def test_unknown_or_forged_token_is_refused(upper_officer: User, token: str) -> None:
    make_token(upper_officer)
    body = assert_401(api_client(token).get(UNITS), error="invalid_token")
    assert body["detail"] == "Invalid or expired token."


def test_a_real_token_with_one_character_changed_is_refused(upper_officer: User) -> None:
    token = make_token(upper_officer)
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert_401(api_client(tampered).get(UNITS), error="invalid_token")


def test_expired_token_is_refused(upper_officer: User) -> None:
    token = make_token(upper_officer, "--days", "1")
    client = api_client(token)
    now = timezone.now()

    with time_machine.travel(now + dt.timedelta(hours=23), tick=False):
        assert client.get(UNITS).status_code == 200
    with time_machine.travel(now + dt.timedelta(days=1, minutes=1), tick=False):
        assert_401(client.get(UNITS), error="invalid_token")


def test_token_of_a_deactivated_user_is_refused(upper_officer: User) -> None:
    client = api_client(upper_officer)
    assert client.get(UNITS).status_code == 200

    upper_officer.is_active = False
    upper_officer.save(update_fields=["is_active"])

    assert_401(client.get(UNITS), error="invalid_token")


def test_a_logged_in_browser_session_is_not_enough(upper_officer: User) -> None:
    client = Client()
    client.force_login(upper_officer)
    assert_401(client.get(UNITS), error=None)


def test_every_endpoint_requires_a_token(tree: Tree) -> None:
    for url in [UNITS, f"{UNITS}/GD", f"{UNITS}/NO-SUCH-UNIT"]:
        assert Client().get(url).status_code == 401


def test_refusals_and_bad_input_are_json(upper_officer: User, outsider: User) -> None:
    client = api_client(outsider)

    forbidden = client.get(f"{UNITS}/GD-001")
    missing = client.get(f"{UNITS}/NO-SUCH-UNIT")
    invalid = client.get(UNITS, {"limit": "abc"})

    assert forbidden.status_code == 403
    assert isinstance(forbidden.json()["detail"], str) and forbidden.json()["detail"]
    assert missing.status_code == 404
    assert missing.json() == {"detail": "Not found: NO-SUCH-UNIT"}
    assert invalid.status_code == 422
    assert invalid.json()["detail"][0]["loc"] == ["query", "limit"]


def test_user_without_a_scope_is_refused(tree: Tree) -> None:
    unscoped = User.objects.create_user(username="chuaphanquyen", password="x" * 20)
    response = api_client(unscoped).get(UNITS)
    assert response.status_code == 403
    assert response.json()["detail"]


def test_django_validation_errors_become_422_with_their_messages(tree: Tree) -> None:
    request = RequestFactory().get(UNITS)
    error = ValidationError({"name": ["Enter the new name."], "__all__": ["Pick a date."]})

    response = on_django_validation_error(request, error)

    assert response.status_code == 422
    assert json.loads(response.content) == {
        "detail": [
            {"loc": ["name"], "msg": "Enter the new name.", "type": "invalid"},
            {"loc": [], "msg": "Pick a date.", "type": "invalid"},
        ]
    }


def test_openapi_schema_lists_the_unit_paths_and_the_bearer_scheme(tree: Tree) -> None:
    response = Client().get("/api/v1/openapi.json")

    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["info"]["title"] == "Tuyên giáo Công đoàn API"
    assert {"/api/v1/units", "/api/v1/units/{code}"} <= set(schema["paths"])
    schemes = schema["components"]["securitySchemes"]
    assert {"type": "http", "scheme": "bearer"} in schemes.values()
    scheme_name = next(iter(schemes))
    for path in ("/api/v1/units", "/api/v1/units/{code}"):
        operation = schema["paths"][path]["get"]
        assert operation["security"] == [{scheme_name: []}]
        assert {"200", "401", "403", "404", "422"} <= set(operation["responses"])
    assert not any("assets" in path for path in schema["paths"])


def test_docs_page_loads_only_local_assets(tree: Tree) -> None:
    page = Client().get("/api/v1/docs")

    assert page.status_code == 200
    html = page.content.decode()
    assert "http://" not in html and "https://" not in html and "//cdn" not in html
    for asset, content_type in [
        ("swagger-ui-bundle.js", "text/javascript"),
        ("swagger-ui-init.js", "text/javascript"),
        ("swagger-ui.css", "text/css"),
    ]:
        url = f"/api/v1/docs/assets/{asset}"
        assert url in html
        served = Client().get(url)
        assert served.status_code == 200
        assert served["Content-Type"].startswith(content_type)
    # Only the listed files, not whatever else lies next to them.
    for other in ["swagger-ui.css.map", "__init__.py", ".."]:
        refused = Client().get(f"/api/v1/docs/assets/{other}")
        assert refused.status_code == 404
        assert refused.json()["detail"]


def test_an_unexpected_failure_is_a_json_500_without_internals(tree: Tree) -> None:
    request = RequestFactory().get(UNITS)

    response = on_server_error(request, RuntimeError("database password is hunter2"))

    assert response.status_code == 500
    assert json.loads(response.content) == {"detail": "Internal server error."}
