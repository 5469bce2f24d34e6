"""Errors as RFC 9457 problem details: a status, a sentence a person can act on, no stack trace."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.openapi.datastructures import ResponseSpec
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from litestar.types import Send

from airdeck_api.statuses import status_and_title
from airdeck_domain.errors import DomainError, InvalidInputError

PROBLEM_JSON = "application/problem+json"
logger = logging.getLogger("airdeck.api")


def problem(status: int, title: str, detail: str, **extra: Any) -> Response[dict[str, Any]]:
    """A problem-details response."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
    }
    body.update({k: v for k, v in extra.items() if v is not None})
    headers = {"Retry-After": "5"} if status == 503 else None
    return Response(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def domain_error_handler(_: Request[Any, Any, Any], exc: DomainError) -> Response[dict[str, Any]]:
    """Map a domain error onto its HTTP status, keeping its message and field errors."""
    status, title = status_and_title(exc)
    errors = exc.errors if isinstance(exc, InvalidInputError) and exc.errors else None
    return problem(status, title, exc.message, errors=errors, deployment=exc.deployment)


def _sent_name(request: Request[Any, Any, Any], key: str) -> str:
    """The name a client sent a parameter under: Litestar's errors name the handler's argument,
    which differs when the parameter is renamed (``?runs=`` read into ``last``, say)."""
    handler = request.scope.get("route_handler")
    signature = getattr(handler, "parsed_fn_signature", None)
    parameter = signature.parameters.get(key) if signature is not None else None
    definition = getattr(parameter, "kwarg_definition", None)
    aliases = (getattr(definition, field, None) for field in ("name", "query", "header"))
    return str(next((alias for alias in aliases if alias), key))


def http_error_handler(
    request: Request[Any, Any, Any], exc: HTTPException
) -> Response[dict[str, Any]]:
    """Litestar's own errors (validation, 401, 404 of a route, 405, 429 …) as problem details;
    a field error names the parameter as the client sent it."""
    errors: dict[str, str] | None = None
    if isinstance(exc, ValidationException) and isinstance(exc.extra, list):
        errors = {
            _sent_name(request, str(item.get("key") or item.get("source") or "body")): str(
                item.get("message")
            )
            for item in exc.extra
            if isinstance(item, dict)
        }
    detail = exc.detail
    if errors and detail.startswith("Validation failed"):
        detail = "Invalid request: " + "; ".join(f"{k}: {v}" for k, v in errors.items())
    response = problem(exc.status_code, _title(exc.status_code), detail, errors=errors)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


def internal_error_handler(
    request: Request[Any, Any, Any], exc: Exception
) -> Response[dict[str, Any]]:
    """Anything unexpected: logged with its trace here, a plain 500 for the caller."""
    logger.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem(
        HTTP_500_INTERNAL_SERVER_ERROR,
        "Internal error",
        "Airdeck failed to handle this request; the error was logged.",
    )


def _title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


EXCEPTION_HANDLERS = {
    DomainError: domain_error_handler,
    HTTPException: http_error_handler,
    Exception: internal_error_handler,
}


async def send_problem(
    send: Send, status: int, title: str, detail: str, headers: dict[str, str] | None = None
) -> None:
    """Answer a raw ASGI request with a problem (for middleware that runs before routing)."""
    body = msgspec.json.encode(
        {"type": "about:blank", "title": title, "status": status, "detail": detail}
    )
    raw_headers = [
        (b"content-type", PROBLEM_JSON.encode()),
        (b"content-length", str(len(body)).encode()),
        *((k.lower().encode(), v.encode()) for k, v in (headers or {}).items()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


class ProblemDetails(msgspec.Struct):
    """An error (RFC 9457): ``detail`` says what to do; ``errors`` names bad fields."""

    type: str
    title: str
    status: int
    detail: str
    errors: dict[str, str] | None = None
    deployment: str | None = None


def _documented(description: str) -> ResponseSpec:
    return ResponseSpec(
        data_container=ProblemDetails, media_type=PROBLEM_JSON, description=description
    )


PROBLEM_RESPONSES: dict[int, ResponseSpec] = {
    400: _documented("Invalid input; `errors` names each bad field"),
    401: _documented("Missing or invalid bearer token"),
    403: _documented("The caller lacks the permission named in `detail`"),
    404: _documented("No such DAG, run, task or record"),
    409: _documented("Conflicts with the current state"),
    413: _documented("Request body too large"),
    429: _documented("Rate limit reached; see Retry-After"),
    502: _documented("Airflow refused Airdeck's service account"),
    503: _documented("Airflow (or the audit log) is unavailable; try again"),
}
"""Every route documents the problems it may answer with."""
