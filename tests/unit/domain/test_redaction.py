"""Redaction: a secret in any position never survives; ordinary text is unchanged."""

from __future__ import annotations

import ipaddress

from hypothesis import assume, given
from hypothesis import strategies as st

from airdeck_domain.logs import redact

# Ordinary log words: no digits-and-dots runs, no colons or @, no secret-ish key names.
plain_words = st.text(
    alphabet=st.sampled_from("abcdefghijklmnoprsuvwxyzABCDEFGHIJ _-,()!?"), max_size=40
).filter(
    lambda t: (
        not any(
            k in t.lower()
            for k in (
                "pass",
                "secret",
                "token",
                "key",
                "pwd",
                "bearer",
                "basic",
                "credential",
                "cookie",
                "session",
            )
        )
    )
)
# Each secret holds a character plain words never do, so finding it after redaction means it
# leaked (a secret of dashes alone could match the words around it and prove nothing).
secret_values = st.text(
    alphabet=st.sampled_from("abcdefghXYZ0123456789_-."), min_size=6, max_size=24
).filter(lambda v: any(c in "XYZ0123456789." for c in v))


@st.composite
def secrets(draw: st.DrawFn) -> tuple[str, str]:
    """(text containing a secret, the secret itself)."""
    value = draw(secret_values)
    kind = draw(st.sampled_from(["url", "kv", "json", "bearer", "aws", "ipv4", "ipv6"]))
    if kind == "url":
        return f"postgresql://app:{value}@db.internal/x", value
    if kind == "kv":
        key = draw(st.sampled_from(["password", "api_key", "SECRET", "db_token", "client-secret"]))
        sep = draw(st.sampled_from(["=", ": ", " = "]))
        return f"{key}{sep}{value}", value
    if kind == "json":
        return f'{{"password": "{value}"}}', value
    if kind == "bearer":
        return f"Authorization: Bearer {value}", value
    if kind == "aws":
        key = "AKIA" + draw(
            st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", min_size=16, max_size=16)
        )
        return f"aws key {key}", key
    if kind == "ipv4":
        net = draw(
            st.sampled_from(["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8"])
        )
        network = ipaddress.ip_network(net)
        offset = draw(st.integers(min_value=1, max_value=network.num_addresses - 2))
        return f"connecting to {network[offset]}", str(network[offset])
    address = draw(
        st.sampled_from(["fd12:3456:789a::1", "fe80::1ff:fe23:4567:890a", "::1", "fc00::42"])
    )
    return f"peer [{address}] refused", address


@given(plain_words, secrets(), plain_words)
def test_secret_in_any_position_never_survives(
    before: str, secret: tuple[str, str], after: str
) -> None:
    text, value = secret
    redacted = redact(f"{before} {text} {after}")
    assert value not in redacted
    assert redact(redacted) == redacted


@given(plain_words)
def test_ordinary_text_is_unchanged(text: str) -> None:
    assert redact(text) == text


@given(st.ip_addresses(v=4))
def test_public_ipv4_stays(address: ipaddress.IPv4Address) -> None:
    assume(not (address.is_private or address.is_loopback or address.is_link_local))
    assert redact(f"from {address} ok") == f"from {address} ok"


def test_examples() -> None:
    assert redact("GET https://user:hunter2@example.com/x") == "GET https://user:***@example.com/x"
    assert redact("dns 8.8.8.8, gw 10.1.2.3") == "dns 8.8.8.8, gw [internal-ip]"
    assert redact("2001:4860:4860::8888 vs fd00::1") == "2001:4860:4860::8888 vs [internal-ip]"
    assert redact("at 12:30:45 ::group::Pre Execute") == "at 12:30:45 ::group::Pre Execute"
    assert "PRIVATE" not in redact(
        "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----"
    )
