"""A real SMTP server on loopback (aiosmtpd) for alert tests, keeping every message it takes."""

from __future__ import annotations

from typing import Any


class Mailbox:
    """An aiosmtpd handler keeping every message's raw bytes."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        self.messages.append(envelope.content)
        return "250 Message accepted for delivery"
