"""Local users: passwords are checked with Argon2 in a worker thread, never on the event loop."""

from __future__ import annotations

import threading

from argon2 import PasswordHasher

from airdeck_api.auth.users import LocalUsers


class RecordingHasher(PasswordHasher):
    """Argon2 (cheap parameters), noting which thread each verification runs in."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=1024, parallelism=1)
        self.threads: list[int] = []

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        self.threads.append(threading.get_ident())
        return super().verify(hash, password)


async def test_passwords_are_verified_off_the_event_loop() -> None:
    hasher = RecordingHasher()
    users = LocalUsers("ann:pw:admin", hasher=hasher)
    principal = await users.authenticate("ann", "pw")
    assert principal is not None and principal.role == "admin"
    assert await users.authenticate("ann", "wrong") is None
    assert await users.authenticate("nobody", "pw") is None
    loop_thread = threading.get_ident()
    assert len(hasher.threads) == 3
    assert loop_thread not in hasher.threads
