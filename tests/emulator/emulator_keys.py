"""JWT bearer assertions for the OAuth tests, signed with keys from tests.keys."""

from __future__ import annotations

import time
from typing import Any

import jwt

from tests.keys import Keys


def assertion(keys: Keys, **claims: Any) -> str:
    """Sign a JWT bearer assertion the way simple-salesforce does (exp as text)."""
    payload = {
        "iss": "test-app",
        "sub": "integration@emulated-org.example.com",
        "aud": "https://login.salesforce.com",
        "exp": f"{time.time() + 180:.0f}",
        **claims,
    }
    return jwt.encode(payload, keys.private_pem, algorithm="RS256")
