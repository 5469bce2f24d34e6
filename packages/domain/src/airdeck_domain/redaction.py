"""Removing secrets and internal addresses from text before it leaves Airdeck.

Every rule runs in time linear in the length of its input, whatever the input: a log line is
data anyone who can trigger a run can shape. Patterns never start with an unbounded run that a
later part may give back: each such run is possessive, or follows a literal that must start a
word (so a long word is entered once). The ``key=value`` rule is a tokenizer: it walks the words
of a line once and looks at what follows each sensitive one.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterable, Iterator

MASK = "***"
IP_MASK = "[internal-ip]"

_Replacement = str | Callable[[re.Match[str]], str]


def _mask_userinfo(match: re.Match[str]) -> str:
    return f"{match['keep']}{MASK}@"


# (words one of which the lower-cased text must hold for the rule to apply, pattern, mask).
# Each pattern starts with a literal (or a few) and checks what stands before it with a fixed-width
# lookbehind after it, so the engine can skip to the literal instead of trying every position.
_RULES: tuple[tuple[tuple[str, ...], re.Pattern[str], _Replacement], ...] = (
    # user:password@ in URLs (any scheme); the password may hold "@": it ends at the last one.
    (
        ("://",),
        re.compile(r"(?P<keep>://(?<=[\w+.-]://)[^\s:/@]*+:)(?:[^\s/@]*+@)++"),
        _mask_userinfo,
    ),
    # Authorization headers (any scheme) and bare bearer/basic credentials.
    (
        ("authorization",),
        re.compile(
            r"""(?i)(?P<keep>authorization(?<![\w-]authorization)["']?[ \t]*+[:=][ \t]*+["']?"""
            r"""(?:[a-z]++[ \t]++(?=[^\s"']))?)[^\s"']++"""
        ),
        rf"\g<keep>{MASK}",
    ),
    (
        ("bearer",),
        re.compile(r"(?i)(?P<keep>bearer(?<![\w-]bearer)[ \t]++)[\w.~+/=-]++"),
        rf"\g<keep>{MASK}",
    ),
    (
        ("basic",),
        re.compile(r"(?i)(?P<keep>basic(?<![\w-]basic)[ \t]++)[A-Za-z0-9+/]{8,}+=*+"),
        rf"\g<keep>{MASK}",
    ),
    # JWTs wherever they stand.
    (("eyj",), re.compile(r"eyJ(?<![\w-]eyJ)[\w-]{5,}+\.eyJ[\w-]{5,}+\.[\w-]*+"), MASK),
    # Credentials with a recognisable shape: AWS, Google (API keys and OAuth access tokens),
    # GitHub, GitLab, Slack, Stripe, OpenAI/Anthropic-style "sk-" keys, Azure SAS signatures.
    (
        ("akia", "asia", "aida", "aroa"),
        re.compile(r"(?:AKIA|ASIA|AIDA|AROA)(?<![A-Z0-9]....)[A-Z0-9]{16}"),
        MASK,
    ),
    (("aiza",), re.compile(r"AIza(?<![\w-]AIza)[\w-]{35}"), MASK),
    (("ya29.",), re.compile(r"ya29\.(?<![\w.-]ya29\.)[\w.-]++"), MASK),
    (
        ("ghp_", "gho_", "ghu_", "ghs_", "ghr_"),
        re.compile(r"gh[pousr]_(?<![\w-]gh._)[A-Za-z0-9]{36,}+"),
        MASK,
    ),
    (("glpat-",), re.compile(r"glpat-(?<![\w-]glpat-)[\w-]{10,}+"), MASK),
    (("xox",), re.compile(r"xox[abprs]-(?<![\w-]xox.-)[\w-]{10,}+"), MASK),
    (
        ("k_live_", "k_test_"),
        re.compile(r"[rs]k_(?:live|test)_(?<![\w-].k_(?:live|test)_)[\w]{8,}+"),
        MASK,
    ),
    (("sk-",), re.compile(r"sk-(?<![\w-]sk-)(?=[\w-]*?\d)[\w-]{16,}+"), MASK),
    (
        ("sig=",),
        re.compile(r"(?i)(?P<keep>sig=(?<![\w-]sig=))[\w%/+=-]++"),
        rf"\g<keep>{MASK}",
    ),
)

# key=value pairs. A "word" is a run of [\w.-]; a word is a sensitive key when it holds one of
# these stems. "tokens"/"tokenizer" (max_tokens=100) and "passed"/"passenger" are not secrets.
_WORD = re.compile(r"[\w.-]++")
_SENSITIVE_KEY = re.compile(
    r"(?i)pass(?:word|wd|phrase)|pass(?![a-z])|pwd|secret|token(?!s|iz)|api[\s_-]?key|"
    r"access[\s_-]?key|private[\s_-]?key|credential|account[\s_-]?key|session[\s_-]?id|cookie"
)
_KEY_STEMS = ("pass", "pwd", "secret", "token", "key", "credential", "session", "cookie")
"""Words one of which every sensitive key holds (a cheap test before the tokenizer runs)."""
# "API Key", "Access Token", "Session ID": a key of two words.
_SECOND_WORD = re.compile(
    r"(?i)[ \t](?:key|id|token|secret|password|passphrase|pass)(?![\w.-])(?=[\"']?[ \t]*+[=:])"
)
_SEPARATOR = re.compile(r"""(?:\\?["'])?[ \t]*+[=:][ \t]*+""")
# `--password x` and `PASSWORD hunter2`: a flag or an upper-case name, then a blank.
_BLANK_SEPARATOR = re.compile(r"[ \t]++")
_QUOTED = re.compile(r"""(?P<quote>\\?["'])(?P<value>(?:(?!(?P=quote))(?:\\.|[^\\\n]))*+)""")
_ONE_WORD = re.compile(r"[\w.-]++[=:]?")
_UNQUOTED = re.compile(r"""[^\s"'`]++""")
_TRAILING = ",;)}].>"


def _value_span(text: str, start: int) -> tuple[int, int] | None:
    """Where the value that starts at ``start`` lies (without quotes), if there is one."""
    quoted = _QUOTED.match(text, start)
    if quoted:
        return quoted.start("value"), quoted.end("value")
    unquoted = _UNQUOTED.match(text, start)
    if not unquoted:
        return None
    return start, start + len(unquoted.group().rstrip(_TRAILING))


def _secret_values(text: str) -> Iterator[tuple[int, int]]:
    """Spans of the values of sensitive ``key=value``, ``key: "v"``, ``--key v`` pairs."""
    skip_until = 0
    for word in _WORD.finditer(text):
        if word.start() < skip_until:
            continue
        key_end = word.end()
        second = _SECOND_WORD.match(text, key_end)
        if second:
            key_end = second.end()
        key = text[word.start() : key_end]
        if not _SENSITIVE_KEY.search(key):
            continue
        separator = _SEPARATOR.match(text, key_end)
        if separator is None and (key.startswith("-") or key.isupper()):
            separator = _BLANK_SEPARATOR.match(text, key_end)
        if separator is None:
            continue
        span = _value_span(text, separator.end())
        if span is None or span[0] == span[1]:
            continue
        if not text.startswith(MASK, span[0]):
            yield span
        # A value of one word may be the next key ("secret: password = v"): it is read as a
        # key next. Longer values are skipped, so each character is looked at a bounded
        # number of times.
        if not _ONE_WORD.fullmatch(text, *span):
            skip_until = span[1]


def _mask_key_values(text: str) -> str:
    parts: list[str] = []
    position = 0
    for start, end in _secret_values(text):
        parts += (text[position:start], MASK)
        position = end
    parts.append(text[position:])
    return "".join(parts)


_ANY_TRIGGER = re.compile(
    "|".join(
        re.escape(word)
        for word in sorted({*_KEY_STEMS, *(t for triggers, _, _ in _RULES for t in triggers)})
    )
)
"""Most log lines hold none of these words (lower-cased): they skip all but the address rules."""

_IPV4 = re.compile(r"(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?!\d|\.\d)")
_DOTTED_QUAD = re.compile(r"\d\.\d{1,3}\.\d{1,3}\.\d")
_IPV6 = re.compile(
    r"(?<![\w:.])(?:[0-9A-Fa-f]{1,4}|:)?(?::[0-9A-Fa-f]{0,4}){2,7}(?:%[\w.]++)?(?![\w:])"
)
_SHARED = ipaddress.ip_network("100.64.0.0/10")
"""Carrier-grade NAT space: Kubernetes pod and node networks often live here."""
_DOCUMENTATION = tuple(
    ipaddress.ip_network(net)
    for net in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32")
)
"""RFC 5737/3849 examples: they name no real host, and docs and tests quote them."""


def is_internal_address(candidate: str) -> bool:
    """Whether ``candidate`` is an IP address that must not leave Airdeck: private, shared
    (100.64.0.0/10), loopback or link-local. Public and documentation addresses, and
    anything that is not an address, are not."""
    try:
        address = ipaddress.ip_address(candidate.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    if address.is_unspecified or any(address in net for net in _DOCUMENTATION):
        return False
    return bool(
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or (isinstance(address, ipaddress.IPv4Address) and address in _SHARED)
    )


def _mask_ip(match: re.Match[str]) -> str:
    text = match.group(0)
    return IP_MASK if is_internal_address(text) else text


def redact_addresses(text: str) -> str:
    """``text`` with internal IPv4/IPv6 addresses (see :func:`is_internal_address`) replaced."""
    # Cheap tests first: most lines hold no dotted quad, and no "::" or seven colons.
    if _DOTTED_QUAD.search(text):
        text = _IPV4.sub(_mask_ip, text)
    if "::" in text or text.count(":") >= 7:
        text = _IPV6.sub(_mask_ip, text)
    return text


def _redact_line(text: str) -> str:
    lowered = text.lower()
    if _ANY_TRIGGER.search(lowered):
        # Pairs first: a rule that masks "the word after bearer" must not eat a key's name.
        if any(stem in lowered for stem in _KEY_STEMS):
            text = _mask_key_values(text)
        for triggers, pattern, replacement in _RULES:
            if any(trigger in lowered for trigger in triggers):
                text = pattern.sub(replacement, text)
    return redact_addresses(text)


# PEM private keys: the BEGIN line, the base64 body (and RFC 1421 headers of encrypted keys),
# the END line. Log lines are redacted one by one, so a block is followed across lines.
_PEM_BEGIN = re.compile(r"-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY-----")
_PEM_END = re.compile(r"-----END [A-Z0-9 ]{0,40}PRIVATE KEY-----")
_PEM_BODY = re.compile(r"[ \t]*+(?:[A-Za-z0-9+/=]++|[A-Za-z-]++:[^\n]*+)?[ \t]*+")


def _mask_keys_in_line(text: str, position: int = 0) -> tuple[str, bool]:
    """``text`` (from ``position``) with the private keys that start in it masked, and whether
    the last one is still open at its end."""
    parts: list[str] = []
    while begin := _PEM_BEGIN.search(text, position):
        parts += (text[position : begin.start()], MASK)
        end = _PEM_END.search(text, begin.end())
        if end is None:
            return "".join(parts), True
        position = end.end()
    parts.append(text[position:])
    return "".join(parts), False


def _key_blocks(lines: Iterable[str], key_open: bool) -> Iterator[tuple[str, bool]]:
    """Each line with private-key material masked, and whether a key is open after it."""
    for line in lines:
        if key_open:
            end = _PEM_END.search(line)
            if end is not None:
                rest, key_open = _mask_keys_in_line(line, end.end())
                yield MASK + rest, key_open
                continue
            if _PEM_BODY.fullmatch(line):
                yield MASK, True
                continue
        line, opened = _mask_keys_in_line(line)
        key_open = key_open or opened
        yield line, key_open


def redact_lines(lines: Iterable[str], *, key_open: bool = False) -> tuple[list[str], bool]:
    """The lines with secrets masked as :func:`redact` does, private keys included when their
    BEGIN line, body and END line are separate lines: every line of the block becomes ``***``.
    A block ends at its END line only: lines of other loggers interleaved in it are not part
    of the key and are redacted as usual, while every line that could be key material is
    masked until the END line comes.

    For a log read in pieces, ``key_open`` says that a key opened in an earlier piece is still
    open at the first line; the second item says whether one is open after the last line (pass
    it on with the next piece)."""
    blocks = list(_key_blocks(lines, key_open))
    return [_redact_line(line) for line, _ in blocks], blocks[-1][1] if blocks else key_open


def redact(text: str) -> str:
    """``text`` with secrets masked (passwords in URLs and ``key=value``-like pairs, bearer,
    basic and other ``Authorization`` credentials, JWTs, private keys, AWS/Google/GitHub/GitLab/
    Slack/Stripe/``sk-`` keys, SAS signatures) and internal IPv4/IPv6 addresses replaced;
    public and documentation addresses and ordinary text stay as they are. Applying it twice
    changes nothing more."""
    return "\n".join(redact_lines(text.split("\n"))[0])
