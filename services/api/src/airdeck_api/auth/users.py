"""Local users from ``AIRDECK_LOCAL_USERS``: ``name:password:role[,...]``.

A role may carry DAG-scoped grants after ``@``: ``ann:pw:operator@team=finance`` is an operator
of the finance team's DAGs only; selectors are ``team``, ``tag``, ``environment`` and
``deployment`` (an Airflow deployment's id), joined with ``+``
(``operator@team=finance+environment=prod``, ``operator@deployment=staging``). Passwords are
hashed with Argon2 at startup and the plain text is not kept.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError

from airdeck_domain.rbac import ROLES, Grant, Principal

_SELECTORS = {
    "team": "owner_team",
    "tag": "tag",
    "environment": "environment",
    "deployment": "deployment",
}


class UsersError(ValueError):
    """``AIRDECK_LOCAL_USERS`` is malformed; the message says where."""


@dataclass(frozen=True)
class LocalUser:
    """A user who can sign in with a password."""

    principal: Principal
    password_hash: str


def parse_role(text: str, subject: str) -> Principal:
    """``admin`` or ``operator@team=finance+tag=x`` → a principal."""
    role, _, scope = text.partition("@")
    if role not in ROLES:
        raise UsersError(f"user {subject!r}: role must be one of {', '.join(ROLES)}, got {role!r}")
    if not scope:
        return Principal(subject=subject, role=role)  # type: ignore[arg-type]
    fields: dict[str, str] = {}
    for part in scope.split("+"):
        key, _, value = part.partition("=")
        if key not in _SELECTORS or not value:
            raise UsersError(
                f"user {subject!r}: scope {part!r} must be team=, tag=, environment= or deployment="
            )
        fields[_SELECTORS[key]] = value
    return Principal(subject=subject, grants=(Grant(role=role, **fields),))  # type: ignore[arg-type]


class LocalUsers:
    """The configured users, with hashed passwords."""

    def __init__(self, spec: str, hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher or PasswordHasher()
        self._users: dict[str, LocalUser] = {}
        for entry in (e.strip() for e in spec.split(",") if e.strip()):
            name, sep1, rest = entry.partition(":")
            password, sep2, role = rest.rpartition(":")
            if not (sep1 and sep2 and name and password and role):
                raise UsersError(
                    f"AIRDECK_LOCAL_USERS entry {name or entry[:10]!r}… must be name:password:role"
                )
            if name in self._users:
                raise UsersError(f"AIRDECK_LOCAL_USERS names {name!r} twice")
            self._users[name] = LocalUser(parse_role(role, name), self._hasher.hash(password))
        # Verifying against a dummy hash for unknown names keeps timing from revealing names.
        self._dummy = self._hasher.hash("airdeck-no-such-user")

    async def authenticate(self, username: str, password: str) -> Principal | None:
        """The user's principal when the password matches, else None. Argon2 is slow on
        purpose, so it runs in a worker thread and the event loop keeps serving."""
        user = self._users.get(username)
        try:
            await asyncio.to_thread(
                self._hasher.verify, user.password_hash if user else self._dummy, password
            )
        except VerificationError:
            return None
        return user.principal if user else None
