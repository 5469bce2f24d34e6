"""Who is calling: the principal the authentication layer put on the connection."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException

from airdeck_domain.rbac import Principal


def principal_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal:
    """The authenticated principal; 401 when the request carries none."""
    user = connection.scope.get("user")
    if not isinstance(user, Principal):
        raise NotAuthorizedException(
            "Authentication required", headers={"WWW-Authenticate": 'Bearer realm="airdeck"'}
        )
    return user
