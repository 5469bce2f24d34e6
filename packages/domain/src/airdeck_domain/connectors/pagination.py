"""Which request follows a page, for each kind of pagination. Pure: the caller makes the calls
and hands in what each answer said (its document, how many rows it held, its ``Link`` header's
``rel="next"`` target)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin, urlsplit

import msgspec

from airdeck_domain.connectors.paths import MISSING, parse, pick
from airdeck_domain.connectors.spec import Cursor, LinkHeader, NoPages, PageNumber, Source


class PaginationError(ValueError):
    """A page that points somewhere a connector may not follow."""


class PageRequest(msgspec.Struct, frozen=True, kw_only=True):
    """One request of a run: the URL (with the source's own query) and the query parameters
    added to it (templates still unfilled)."""

    url: str
    params: dict[str, str]
    number: int = 1


def first_request(source: Source) -> PageRequest:
    """The run's first request."""
    params = dict(source.params)
    pages = source.pagination
    if isinstance(pages, PageNumber):
        params[pages.param] = str(pages.start)
        if pages.size_param and pages.size is not None:
            params[pages.size_param] = str(pages.size)
    return PageRequest(url=source.url, params=params, number=1)


def max_pages(source: Source) -> int:
    """How many pages a run reads at most."""
    pages = source.pagination
    return 1 if isinstance(pages, NoPages) else pages.max_pages


def _origin(url: str) -> tuple[str, str | None, int | None]:
    parts = urlsplit(url)
    return parts.scheme, parts.hostname, parts.port


def next_request(
    source: Source,
    current: PageRequest,
    document: Any,
    rows: int,
    next_link: str | None = None,
) -> PageRequest | None:
    """The request after ``current``, whose answer was ``document`` holding ``rows`` rows and
    whose ``Link`` header pointed ``rel="next"`` at ``next_link``; None when it was the last
    page (including the last one ``max_pages`` allows). PaginationError for a next link on
    another origin: the call's headers, secrets included, never go to another host."""
    pages = source.pagination
    if isinstance(pages, NoPages) or current.number >= pages.max_pages:
        return None
    number = current.number + 1
    if isinstance(pages, PageNumber):
        if rows == 0 or (pages.size is not None and rows < pages.size):
            return None
        params = {**current.params, pages.param: str(pages.start + current.number)}
        return PageRequest(url=current.url, params=params, number=number)
    if isinstance(pages, Cursor):
        cursor = pick(document, parse(pages.cursor_path).field)
        if cursor is MISSING or cursor is None or cursor == "" or isinstance(cursor, dict | list):
            return None
        params = {**current.params, pages.param: str(cursor)}
        return PageRequest(url=current.url, params=params, number=number)
    assert isinstance(pages, LinkHeader)
    if not next_link:
        return None
    target = urljoin(current.url, next_link)
    if _origin(target) != _origin(source.url):
        raise PaginationError(
            f"page {current.number}'s Link header points at another origin "
            f"({urlsplit(target).hostname}); a connector follows pages on its source's only"
        )
    # The link carries the whole query of the next page; the source's params are in it.
    return PageRequest(url=target, params={}, number=number)
