"""The JSON API at /api/v1/: bearer-token authentication, JSON errors, the routers of each app."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import ninja
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.utils.html import format_html, json_script
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.docs import DocsBase
from ninja.security import HttpBearer

from tuyengiao.accounts.models import User
from tuyengiao.accounts.services import token_user
from tuyengiao.activities.api import router as activities_router
from tuyengiao.orgs.api import router as orgs_router
from tuyengiao.reporting.api import router as reporting_router
from tuyengiao.reporting.api_values import router as values_router

logger = logging.getLogger(__name__)

_REALM = 'Bearer realm="tuyengiao"'


class Unauthorized(AuthenticationError):
    """A 401 that says which RFC 6750 error to put in the WWW-Authenticate header."""

    def __init__(self, message: str, error: str | None = None) -> None:
        super().__init__(message=message)
        self.challenge = f'{_REALM}, error="{error}"' if error else _REALM


class BearerToken(HttpBearer):
    """`Authorization: Bearer tg_...`: the token's active, unexpired owner, or a precise 401."""

    def __call__(self, request: HttpRequest) -> User:
        header = request.headers.get(self.header, "")
        if not header:
            raise Unauthorized("Authentication required: send 'Authorization: Bearer <token>'.")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != self.openapi_scheme or not token.strip():
            raise Unauthorized(
                "Malformed Authorization header: expected 'Bearer <token>'.", "invalid_request"
            )
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str) -> User:
        user = token_user(token)
        if user is None:
            # Unknown, forged, expired and revoked tokens and inactive owners look the same.
            raise Unauthorized("Invalid or expired token.", "invalid_token")
        return user


# Swagger UI from the files django-ninja ships, served by the API itself: no CDN, and no need
# for "ninja" in INSTALLED_APPS.
_ASSET_DIR = Path(ninja.__file__).parent / "static" / "ninja"
_ASSETS = {
    "swagger-ui.css": "text/css",
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui-init.js": "text/javascript",
    "favicon.png": "image/png",
}


class LocalSwagger(DocsBase):
    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        swagger_settings = {
            "url": self.get_openapi_url(api, kwargs),
            "layout": "BaseLayout",
            "deepLinking": True,
        }
        assets = api.get_root_path(kwargs) + "docs/assets/"
        page = format_html(
            "<!DOCTYPE html><html><head><meta charset='utf-8'><title>{}</title>"
            "<link rel='stylesheet' href='{}swagger-ui.css'>"
            "<link rel='icon' href='{}favicon.png' type='image/png'></head>"
            "<body>{}<div id='swagger-ui'></div>"
            "<script src='{}swagger-ui-bundle.js'></script>"
            "<script src='{}swagger-ui-init.js'></script></body></html>",
            api.title,
            assets,
            assets,
            json_script(swagger_settings, "swagger-settings"),
            assets,
            assets,
        )
        return HttpResponse(page)


api = NinjaAPI(
    title="Tuyên giáo Công đoàn API",
    version="1",
    description=(
        "The union hierarchy, indicators and reported figures of the federation. Every "
        "request carries "
        "`Authorization: Bearer <token>` (make one with `tuyengiao token USERNAME`); "
        "every answer is limited to the caller's scope."
    ),
    auth=BearerToken(),
    docs=LocalSwagger(),
)


@api.get("/docs/assets/{name}", auth=None, include_in_schema=False)
def docs_asset(request: HttpRequest, name: str) -> HttpResponseBase:
    content_type = _ASSETS.get(name)
    if content_type is None:
        raise Http404(name)
    response = HttpResponse((_ASSET_DIR / name).read_bytes(), content_type=content_type)
    response["Cache-Control"] = "public, max-age=86400"
    return response


# --- every error is JSON ----------------------------------------------------------------------


def _error(request: HttpRequest, status: int, detail: Any) -> HttpResponse:
    return api.create_response(request, {"detail": detail}, status=status)


@api.exception_handler(AuthenticationError)
def on_unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = _error(request, 401, exc.message)
    response["WWW-Authenticate"] = getattr(exc, "challenge", _REALM)
    return response


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, exc.message)


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, 403, str(exc) or "Permission denied.")


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, f"Not found: {exc}" if str(exc) else "Not found.")


@api.exception_handler(DjangoValidationError)
def on_django_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        errors = [
            {"loc": [] if field == NON_FIELD_ERRORS else [field], "msg": msg, "type": "invalid"}
            for field, messages in exc.message_dict.items()
            for msg in messages
        ]
    else:
        errors = [{"loc": [], "msg": msg, "type": "invalid"} for msg in exc.messages]
    return _error(request, 422, errors)


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [
        {"loc": list(e.get("loc", [])), "msg": e.get("msg", ""), "type": e.get("type", "")}
        for e in exc.errors
    ]
    return _error(request, 422, errors)


@api.exception_handler(Exception)
def on_server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("API error on %s %s", request.method, request.path)
    return _error(request, 500, "Internal server error.")


api.add_router("", orgs_router)
api.add_router("", reporting_router)
api.add_router("", values_router)
api.add_router("", activities_router)
