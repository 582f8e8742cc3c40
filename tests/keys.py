"""RSA key pairs with self-signed certificates, for the tests that sign JWT assertions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID


@dataclass(frozen=True)
class Keys:
    """A private key (PEM) and a self-signed certificate of its public key (PEM)."""

    private_pem: str
    certificate_pem: str


def make_keys(common_name: str = "baton-sf test") -> Keys:
    """A fresh 2048-bit RSA key and a certificate valid from yesterday for 30 days."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return Keys(
        private.decode("ascii"), certificate.public_bytes(serialization.Encoding.PEM).decode()
    )
