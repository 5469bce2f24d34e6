"""Sending one alert message to one channel, retried with backoff (stamina) while the failure
looks passing: a refused or dropped connection, a timeout, HTTP 429 or 5xx, SMTP 4xx.

Every message carries its delivery's dedup key (webhooks: ``X-Airdeck-Delivery`` and the
body's ``delivery``; Slack: the footer; email: its ``Message-ID``), so a receiver can drop the
one extra copy a worker that died mid-delivery may send again.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import smtplib
import ssl
from email.message import EmailMessage
from typing import Any

import httpx
import msgspec
import stamina

from airdeck_domain.alerts.evaluation import AlertEvent
from airdeck_domain.alerts.messages import email_text, headline, slack_body, webhook_body
from airdeck_domain.alerts.rules import Channel, Email, Slack, Webhook

SIGNATURE_HEADER = "X-Airdeck-Signature"
DELIVERY_HEADER = "X-Airdeck-Delivery"
RESPONSE_LIMIT = 1000
"""How much of a channel's answer is kept in the delivery history."""


class SmtpConfig(msgspec.Struct, frozen=True, kw_only=True):
    """The SMTP server email alerts go through."""

    host: str
    port: int = 25
    sender: str = "airdeck@localhost"
    username: str | None = None
    password: str | None = msgspec.field(default=None)
    starttls: bool = False
    timeout: float = 10.0


class Sent(msgspec.Struct, frozen=True, kw_only=True):
    """What the channel answered to a message it took."""

    status_code: int | None
    response: str


class DeliveryError(Exception):
    """The channel did not take the message; ``status_code`` and ``response`` say what it
    answered (None and a description when it could not be reached)."""

    def __init__(self, message: str, *, status_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message[:RESPONSE_LIMIT]
        self.status_code = status_code


class PassingDeliveryError(DeliveryError):
    """A failure worth retrying soon (unreachable, timeout, 429, 5xx, SMTP 4xx)."""


def signature(secret: str, body: bytes) -> str:
    """The ``X-Airdeck-Signature`` value of ``body``: ``sha256=`` and the hex HMAC-SHA256 of
    the exact body bytes under ``secret``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class Channels:
    """Sends messages to webhooks, Slack and email, each try bounded by ``timeout`` and
    retried up to ``attempts`` times within one delivery."""

    def __init__(
        self,
        *,
        smtp: SmtpConfig | None = None,
        timeout: float = 10.0,
        attempts: int = 3,
        wait_initial: float = 0.5,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.smtp = smtp
        self.attempts = attempts
        self.wait_initial = wait_initial
        # No redirects: a webhook URL was checked when its rule was saved, its redirect never.
        self._http = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout), follow_redirects=False, transport=transport
        )

    async def aclose(self) -> None:
        """Close the pooled connections."""
        await self._http.aclose()

    async def send(self, channel: Channel, event: AlertEvent, delivery_key: str) -> Sent:
        """Deliver ``event`` to ``channel``; DeliveryError once it was refused for good or
        every attempt failed."""
        for attempt in stamina.retry_context(
            on=PassingDeliveryError,
            attempts=self.attempts,
            timeout=None,
            wait_initial=self.wait_initial,
            wait_max=10.0,
        ):
            with attempt:
                return await self._send_once(channel, event, delivery_key)
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def _send_once(self, channel: Channel, event: AlertEvent, delivery_key: str) -> Sent:
        if isinstance(channel, Email):
            return await self._email(channel, event, delivery_key)
        if isinstance(channel, Slack):
            return await self._post(channel.url, slack_body(event, delivery_key), delivery_key)
        return await self._webhook(channel, event, delivery_key)

    async def _webhook(self, channel: Webhook, event: AlertEvent, delivery_key: str) -> Sent:
        body = webhook_body(event, delivery_key)
        return await self._post(channel.url, body, delivery_key, secret=channel.secret)

    async def _post(
        self, url: str, payload: dict[str, Any], delivery_key: str, *, secret: str | None = None
    ) -> Sent:
        body = msgspec.json.encode(payload)
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "airdeck-alerts",
            DELIVERY_HEADER: delivery_key,
        }
        if secret:
            headers[SIGNATURE_HEADER] = signature(secret, body)
        try:
            response = await self._http.post(url, content=body, headers=headers)
        except httpx.TimeoutException as exc:
            raise PassingDeliveryError(f"timed out ({type(exc).__name__})") from exc
        except httpx.HTTPError as exc:
            raise PassingDeliveryError(f"unreachable ({type(exc).__name__})") from exc
        text = response.text[:RESPONSE_LIMIT]
        if response.is_success:
            return Sent(status_code=response.status_code, response=text)
        message = f"HTTP {response.status_code}: {text}"
        if response.status_code == 429 or response.status_code >= 500:
            raise PassingDeliveryError(message, status_code=response.status_code)
        raise DeliveryError(message, status_code=response.status_code)

    async def _email(self, channel: Email, event: AlertEvent, delivery_key: str) -> Sent:
        smtp = self.smtp
        if smtp is None:
            raise DeliveryError("no SMTP server is configured (AIRDECK_ALERTS_SMTP_HOST)")
        message = EmailMessage()
        message["From"] = smtp.sender
        message["To"] = ", ".join(channel.to)
        message["Subject"] = headline(event)
        message["Message-ID"] = f"<{delivery_key}@airdeck>"
        message.set_content(email_text(event, delivery_key))
        try:
            refused = await asyncio.to_thread(_submit, smtp, message)
        except smtplib.SMTPResponseException as exc:
            text = f"SMTP {exc.smtp_code}: {exc.smtp_error!r}"
            if 400 <= exc.smtp_code < 500:
                raise PassingDeliveryError(text, status_code=exc.smtp_code) from exc
            raise DeliveryError(text, status_code=exc.smtp_code) from exc
        except smtplib.SMTPRecipientsRefused as exc:
            raise DeliveryError(f"every recipient refused: {sorted(exc.recipients)}") from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise PassingDeliveryError(f"SMTP unreachable ({type(exc).__name__})") from exc
        accepted = [address for address in channel.to if address not in refused]
        note = f"; refused {sorted(refused)}" if refused else ""
        return Sent(status_code=250, response=f"accepted for {', '.join(accepted)}{note}")


def _submit(smtp: SmtpConfig, message: EmailMessage) -> dict[str, Any]:
    """Hand ``message`` to the SMTP server (blocking: run in a thread); the recipients it
    refused, by address."""
    with smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout) as client:
        if smtp.starttls:
            client.starttls(context=ssl.create_default_context())
        if smtp.username:
            client.login(smtp.username, smtp.password or "")
        refused: dict[str, Any] = client.send_message(message)
        return refused
