"""People using the API in tests: each a user of their own with a local-mode bearer token, so
their requests count against their own rate limits, as one real user's would.

Tokens are signed with the key the API keeps in its data folder (the one its local-mode
sign-in signs with), so no password is checked here: signing in through ``/api/auth/token``
is tested by the security suite.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from litestar import Litestar
from litestar.testing import AsyncTestClient

from airdeck_api.cli.minting import mint_token


@dataclass(frozen=True)
class Person:
    """A user of the API: who they are (``subject``, as audit rows name them) and their token."""

    subject: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        """The ``Authorization`` header of this person's requests."""
        return {"Authorization": f"Bearer {self.token}"}


def mint(data_dir: Path, subject: str, role: str = "admin") -> Person:
    """A person ``subject`` with ``role`` (``admin``, ``operator@team=finance``, …) signed in to
    every API whose ``AIRDECK_DATA_DIR`` is ``data_dir``; the token lasts the API's usual hour."""
    token, _ = mint_token(data_dir, subject, role)
    return Person(subject=subject, token=token)


def client_as(person: Person, app: Litestar, timeout: float = 60) -> AsyncTestClient[Litestar]:
    """An in-process test client of ``app`` sending every request as ``person``."""
    client = AsyncTestClient(app=app, timeout=timeout)
    client.headers.update(person.headers)
    return client
