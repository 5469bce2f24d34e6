"""A Prometheus scraper's way in: the static bearer token ``AIRDECK_METRICS_TOKEN`` instead of a
user's, accepted only by routes that declare ``opt={SCRAPE_TOKEN_OPT: True}`` (``/metrics``).

``BearerAuthentication`` compares the token in constant time and marks the request
(``SCRAPE_TOKEN`` as its auth, ``SCRAPER`` as its user); ``require_permission`` lets a marked
request through on such a route only. ``SCRAPER`` has no role: anywhere else it holds no
permission at all.
"""

from __future__ import annotations

import hmac
from typing import Any, Final

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from airdeck_domain.rbac import Principal

SCRAPE_TOKEN_OPT = "scrape_token"
SCRAPER = Principal(subject="metrics-scraper")


class ScrapeToken:
    """The auth of a request that presented the metrics token."""


SCRAPE_TOKEN: Final = ScrapeToken()


def accepts_scrape_token(handler: BaseRouteHandler) -> bool:
    """Whether ``handler`` lets the metrics token stand in for a user."""
    return handler.opt.get(SCRAPE_TOKEN_OPT) is True


def is_metrics_token(presented: str, expected: str) -> bool:
    """``presented`` is the metrics token (compared in constant time)."""
    return hmac.compare_digest(presented.encode(), expected.encode())


def scraped(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> bool:
    """The request presented the metrics token to a route that accepts it."""
    return isinstance(connection.scope.get("auth"), ScrapeToken) and accepts_scrape_token(handler)
