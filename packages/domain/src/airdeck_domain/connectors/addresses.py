"""Which hosts a connector may call: none on loopback, private, link-local or metadata
addresses (the alert webhooks' check, ``is_local_address``) unless the admin's allow-list
names the host, its address or a network holding it. Judged on the URL when a connector is
saved, and on every resolved address when it runs."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence

from airdeck_domain.alerts.rules import LOCAL_NAMES, is_local_address

ALLOW_SETTING = "AIRDECK_CONNECTORS_ALLOWED_HOSTS"
HOST_NAME = re.compile(
    r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?"
)


def allow_list_problem(entry: str) -> str | None:
    """Why an allow-list entry is neither a host name, an IP address nor a network, or None."""
    if "/" in entry or ":" in entry:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            return f"'{entry}' is not an IP address or network"
        return None
    if not HOST_NAME.fullmatch(entry):
        return f"'{entry}' is not a host name, an IP address or a network"
    return None


def allowed(host: str, allow_list: Sequence[str]) -> bool:
    """Whether ``host`` (a name or an address) is on the allow-list: its name, its address,
    or a network holding the address."""
    lowered = host.lower().rstrip(".").strip("[]")
    try:
        address = ipaddress.ip_address(lowered)
    except ValueError:
        address = None
    for entry in allow_list:
        entry = entry.strip().lower()
        if entry == lowered:
            return True
        if address is None:
            continue
        try:
            if address in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


def _refused(what: str) -> str:
    return (
        f"{what}; a connector calls no loopback, private, link-local or metadata address "
        f"unless an admin allows it in {ALLOW_SETTING}"
    )


def host_refusal(host: str, allow_list: Sequence[str]) -> str | None:
    """Why a URL's host may not be called, judged without resolving it (an IP address or a
    local-only name), or None."""
    lowered = host.lower().rstrip(".").strip("[]")
    if allowed(lowered, allow_list):
        return None
    try:
        local = is_local_address(lowered)
    except ValueError:
        local = lowered == "localhost" or lowered.endswith(LOCAL_NAMES)
    return _refused(f"'{host}' is a local or private address") if local else None


def address_refusal(host: str, address: str, allow_list: Sequence[str]) -> str | None:
    """Why ``host``, resolved to ``address``, may not be called, or None."""
    if allowed(host, allow_list) or allowed(address, allow_list):
        return None
    if is_local_address(address):
        return _refused(f"'{host}' resolves to {address}, a local or private address")
    return None
