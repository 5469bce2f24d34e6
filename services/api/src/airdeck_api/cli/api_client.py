"""The CLI's one door to the Airdeck API: an httpx client sending a bearer token, decoding
answers into msgspec structs and turning the API's refusals into exit codes."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar

import httpx
import msgspec

from airdeck_api.cli.exit_codes import CommandFailed, Refused, Unavailable
from airdeck_domain.url_paths import segment

API_PREFIX = "/api/orchestrator"
DEFAULT_API_URL = "http://127.0.0.1:8100"
"""Where ``make api`` serves, and what the web UI assumes too (``dev/web/env.sh``)."""
TIMEOUT = httpx.Timeout(30.0, connect=5.0)
RETRIES = 5
"""Answers in a row a watch (``--wait``, ``--follow``) waits out before giving up."""
LONGEST_RETRY_WAIT = 60.0

T = TypeVar("T")


class Problem(msgspec.Struct):
    """What the CLI shows of an RFC 9457 problem the API answers with."""

    title: str = ""
    detail: str = ""
    errors: dict[str, str] | None = None


def api_path(*parts: str) -> str:
    """The path of the Orchestrator API route whose raw segments are ``parts``."""
    return API_PREFIX + "".join("/" + segment(part) for part in parts)


def retry_after_seconds(value: str | None) -> float | None:
    """A ``Retry-After`` header (seconds or an HTTP date) as seconds from now."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def failure(response: httpx.Response) -> CommandFailed:
    """The error an unsuccessful answer ends the command with: the problem's title and detail
    (and each bad field), exit code 4 for 429 and 5xx (with the wait the API asked for), 3 for
    any other refusal."""
    try:
        problem = msgspec.json.decode(response.content, type=Problem)
    except (msgspec.DecodeError, msgspec.ValidationError):
        problem = Problem(detail=response.text[:200].strip())
    status = response.status_code
    message = f"{status} {problem.title or response.reason_phrase}"
    if problem.detail:
        message += f": {problem.detail}"
    message += "".join(f"\n  {field}: {reason}" for field, reason in (problem.errors or {}).items())
    if status == 429 or status >= 500:
        retry_after = retry_after_seconds(response.headers.get("Retry-After"))
        if retry_after is not None:
            message += f"\n(retry after {retry_after:.0f} s)"
        return Unavailable(message, retry_after)
    if status == 401:
        message += (
            "\nSend a token with --token or AIRDECK_TOKEN (in local mode, "
            "`airdeck token --user NAME` mints one where the API keeps its data)."
        )
    return Refused(message)


class ApiClient:
    """Calls the API at ``url`` as the holder of ``token`` (none in dev mode), every request
    addressed to ``deployment`` (the API's default one when None). Use as ``with``."""

    def __init__(
        self,
        url: str,
        token: str = "",
        deployment: str | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.url = url.rstrip("/")
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self._http = httpx.Client(
            base_url=self.url,
            headers=headers,
            params={"deployment": deployment} if deployment else None,
            timeout=TIMEOUT,
            transport=transport,
        )

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(self, *_: object) -> None:
        self._http.close()

    def get(self, kind: type[T], *parts: str, params: Mapping[str, Any] | None = None) -> T:
        """GET the route ``parts`` and decode its answer as ``kind``."""
        return self._decode(self._send("GET", parts, params=params), kind)

    def get_tagged(
        self, kind: type[T], *parts: str, params: Mapping[str, Any] | None = None
    ) -> tuple[T, str]:
        """GET the route: its answer decoded as ``kind``, and its ETag."""
        response = self._send("GET", parts, params=params)
        return self._decode(response, kind), response.headers.get("ETag", "")

    def get_if_changed(
        self, kind: type[T], etag: str, *parts: str, params: Mapping[str, Any] | None = None
    ) -> tuple[T | None, str]:
        """GET the route unless its ETag is still ``etag``: ``(None, etag)`` when the API
        answers 304, else the decoded answer and its ETag."""
        headers = {"If-None-Match": etag} if etag else None
        response = self._send("GET", parts, params=params, headers=headers)
        if response.status_code == 304:
            return None, etag
        return self._decode(response, kind), response.headers.get("ETag", "")

    def post(self, kind: type[T], *parts: str, body: msgspec.Struct) -> T:
        """POST ``body`` to the route and decode its answer as ``kind``."""
        response = self._send(
            "POST",
            parts,
            content=msgspec.json.encode(body),
            headers={"Content-Type": "application/json"},
        )
        return self._decode(response, kind)

    def _send(self, method: str, parts: tuple[str, ...], **kwargs: Any) -> httpx.Response:
        try:
            response = self._http.request(method, api_path(*parts), **kwargs)
        except httpx.TimeoutException as exc:
            raise Unavailable(
                f"the Airdeck API at {self.url} did not answer in time ({type(exc).__name__})"
            ) from exc
        except httpx.TransportError as exc:
            raise Unavailable(
                f"cannot reach the Airdeck API at {self.url}: {exc or type(exc).__name__} "
                "(set --api-url or AIRDECK_API_URL)"
            ) from exc
        if response.is_success or response.status_code == 304:
            return response
        raise failure(response)

    def _decode(self, response: httpx.Response, kind: type[T]) -> T:
        try:
            return msgspec.json.decode(response.content, type=kind)
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            raise Unavailable(
                f"{self.url}{response.url.path} did not answer as the Airdeck API does ({exc}); "
                "is --api-url (AIRDECK_API_URL) the API's address?"
            ) from exc


def patiently(call: Callable[[], T], sleep: Callable[[float], None] = time.sleep) -> T:
    """``call()``, waiting as asked and asking again when the API answers 429 or 503 with a
    ``Retry-After`` (up to ``RETRIES`` answers in a row): what a long watch does rather than
    give up on a busy minute."""
    attempts = 0
    while True:
        try:
            return call()
        except Unavailable as exc:
            attempts += 1
            if exc.retry_after is None or attempts >= RETRIES:
                raise
            sleep(min(exc.retry_after, LONGEST_RETRY_WAIT))
