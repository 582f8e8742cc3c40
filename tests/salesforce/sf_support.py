"""Specs and keys for tests that sign in to the emulator."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from reconciler.spec import Spec, load_spec

RULE = """\
apiVersion: baton-sf/v1
kind: ImportRule
metadata: {name: won}
spec:
  object: Opportunity
  when:
    all:
      - {field: StageName, eq: Closed Won}
      - {field: Type, eq: New Customer}
"""


@dataclass(frozen=True)
class KeyPair:
    """An RSA private key (PEM) and a self-signed certificate of its public key (PEM)."""

    private_pem: str
    certificate_pem: str


def make_key_pair() -> KeyPair:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "baton-sf test")])
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
    return KeyPair(
        private.decode("ascii"), certificate.public_bytes(serialization.Encoding.PEM).decode()
    )


def write_connection(directory: Path, emulator: Any, auth: str, instance_url: str = "") -> Spec:
    """A spec whose Connection signs in to `emulator` with the `auth` mapping (YAML text,
    indented for its place under salesforce.auth)."""
    directory.mkdir(parents=True, exist_ok=True)
    url = instance_url or emulator.url
    (directory / "connection.yaml").write_text(
        "apiVersion: baton-sf/v1\n"
        "kind: Connection\n"
        "metadata: {name: test}\n"
        "spec:\n"
        "  salesforce:\n"
        f"    instanceUrl: {url}\n"
        '    apiVersion: "62.0"\n'
        f"    caBundle: {emulator.ca_bundle}\n"
        "    auth:\n"
        f"{auth}"
        "  baton:\n"
        f"    url: {emulator.url}\n"
        "    apiKey: {env: BATON_SF_BATON_API_KEY}\n"
        f"    caBundle: {emulator.ca_bundle}\n"
    )
    (directory / "rule.yaml").write_text(RULE)
    return load_spec(directory)
