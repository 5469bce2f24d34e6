"""The API's own signing key for local mode, generated once and kept in its data folder."""

from __future__ import annotations

import base64
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

KEY_FILE = "signing-key.pem"


class SigningKey:
    """An RSA key pair; ``kid`` is the public key's RFC 7638 thumbprint."""

    def __init__(self, private_key: rsa.RSAPrivateKey) -> None:
        self.private_key = private_key
        self.public_key = private_key.public_key()
        jwk: dict[str, Any] = json.loads(RSAAlgorithm.to_jwk(self.public_key))
        self.kid = _thumbprint(jwk)
        self.public_jwk = {**jwk, "kid": self.kid, "use": "sig", "alg": "RS256"}

    def jwks(self) -> dict[str, list[dict[str, Any]]]:
        """The public key as a JWK set."""
        return {"keys": [self.public_jwk]}


def _thumbprint(jwk: dict[str, Any]) -> str:
    members = json.dumps({"e": jwk["e"], "kty": "RSA", "n": jwk["n"]}, separators=(",", ":"))
    digest = hashlib.sha256(members.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _load(path: Path) -> SigningKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError(f"{path} does not hold an RSA private key")
    return SigningKey(key)


def load_or_create(data_dir: Path) -> SigningKey:
    """The key in ``data_dir`` (created with mode 0600 on first use). Several processes
    starting at once agree on one key: it is written to a temporary file and linked into
    place, and whoever loses the race loads the winner's."""
    path = data_dir / KEY_FILE
    if path.exists():
        return _load(path)
    data_dir.mkdir(parents=True, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    temporary = data_dir / f".{KEY_FILE}.{os.getpid()}"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    try:
        os.link(temporary, path)
    except FileExistsError:
        return _load(path)
    finally:
        temporary.unlink()
    return SigningKey(key)
