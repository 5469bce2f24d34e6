"""The development identity: every request acts as one clearly named admin.

Only for ``AIRDECK_AUTH_MODE=dev`` (local hacking and tests that are not about security);
real deployments use ``local`` or ``oidc`` authentication.
"""

from __future__ import annotations

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Receive, Scope, Send

from airdeck_domain.rbac import Principal

DEV_PRINCIPAL = Principal(subject="dev-admin", role="admin")


def dev_identity_middleware(app: ASGIApp) -> ASGIApp:
    """Put ``DEV_PRINCIPAL`` on every HTTP request."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP:
            scope["user"] = DEV_PRINCIPAL
        await app(scope, receive, send)

    return middleware
