"""Removing secrets and internal addresses from text before it leaves Airdeck."""

from __future__ import annotations

import ipaddress
import re

MASK = "***"
IP_MASK = "[internal-ip]"

_SENSITIVE = (
    r"pass(?:word|wd|phrase)?|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|"
    r"private[_-]?key|credentials?|account[_-]?key|session[_-]?id|cookie"
)

_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    # PEM private keys, whole blocks.
    (
        re.compile(
            r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)", re.S
        ),
        MASK,
    ),
    # user:password@ in URLs (any scheme).
    (re.compile(r"(?P<keep>[a-zA-Z][\w+.-]*://[^\s:/@]*:)[^\s@/]+(?=@)"), rf"\g<keep>{MASK}"),
    # Authorization headers and bare bearer tokens.
    (re.compile(r"(?i)(?P<keep>bearer\s+)[\w.~+/=-]+"), rf"\g<keep>{MASK}"),
    (re.compile(r"(?i)(?P<keep>basic\s+)[A-Za-z0-9+/]{8,}=*"), rf"\g<keep>{MASK}"),
    # JWTs wherever they stand.
    (re.compile(r"eyJ[\w-]{5,}\.eyJ[\w-]{5,}\.[\w-]*"), MASK),
    # key=value, key: value, "key": "value" for sensitive names.
    (
        re.compile(
            rf"""(?ix)(?P<keep>[\w.-]*(?:{_SENSITIVE})[\w.-]*["']?\s*[=:]\s*["']?)"""
            r"""(?!\*\*\*)[^\s"'&,;)}\]]+"""
        ),
        rf"\g<keep>{MASK}",
    ),
    # Cloud credentials with a recognisable shape.
    (re.compile(r"(?:AKIA|ASIA|AIDA|AROA)[A-Z0-9]{16}"), MASK),
    (re.compile(r"AIza[\w-]{35}"), MASK),
    (re.compile(r"gh[pousr]_[A-Za-z0-9]{36,}"), MASK),
    (re.compile(r"xox[abprs]-[\w-]{10,}"), MASK),
    (re.compile(r"(?i)(?P<keep>sig=)[\w%/+=-]+"), rf"\g<keep>{MASK}"),
)

_IPV4 = re.compile(r"(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?!\d|\.\d)")
_IPV6 = re.compile(
    r"(?<![\w:.])(?:[0-9A-Fa-f]{1,4}|:)?(?::[0-9A-Fa-f]{0,4}){2,7}(?:%[\w.]+)?(?![\w:])"
)


def _is_internal(candidate: str) -> bool:
    try:
        address = ipaddress.ip_address(candidate.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return (
        bool(address.is_private or address.is_loopback or address.is_link_local)
        and not address.is_unspecified
    )


def _mask_ip(match: re.Match[str]) -> str:
    text = match.group(0)
    return IP_MASK if _is_internal(text) else text


def redact(text: str) -> str:
    """``text`` with secrets masked (passwords in URLs and ``key=value`` pairs, bearer and basic
    credentials, JWTs, private keys, AWS/GCP/GitHub/Slack keys, SAS signatures) and private,
    loopback and link-local IPv4/IPv6 addresses replaced; public addresses and ordinary text
    stay as they are. Applying it twice changes nothing more."""
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    text = _IPV4.sub(_mask_ip, text)
    if ":" in text:
        text = _IPV6.sub(_mask_ip, text)
    return text
