"""HTTP sessions that trust exactly the CA bundle a Connection names.

requests lets `REQUESTS_CA_BUNDLE` and `CURL_CA_BUNDLE` override a session's own `verify`,
so a machine-wide bundle would silently replace the emulator's CA; this session keeps the
bundle it was given. Certificate checks are never turned off.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import requests


class PinnedSession(requests.Session):
    """A session whose configured CA bundle wins over the environment's.

    The environment's proxy settings are read once per host rather than on every request:
    requests looks them up again for each call, which costs more than a small page of JSON.
    """

    def __init__(self) -> None:
        super().__init__()
        self._settings: dict[tuple[Any, ...], dict[str, Any]] = {}

    def merge_environment_settings(
        self, url: Any, proxies: Any, stream: Any, verify: Any, cert: Any
    ) -> Any:
        key = _settings_key(url, proxies, stream, verify, cert)
        cached = self._settings.get(key) if key is not None else None
        if cached is None:
            cached = dict(super().merge_environment_settings(url, proxies, stream, verify, cert))
            if isinstance(self.verify, str):
                cached["verify"] = self.verify
            if key is not None:
                self._settings[key] = cached
        return {**cached, "proxies": dict(cached["proxies"])}


def _settings_key(
    url: Any, proxies: Any, stream: Any, verify: Any, cert: Any
) -> tuple[Any, ...] | None:
    """What the merged settings depend on, or None when a call passes its own proxies."""
    if proxies or not isinstance(url, str):
        return None
    parts = urlsplit(url)
    try:
        key = (parts.scheme, parts.netloc, stream, verify, cert)
        hash(key)
    except TypeError:
        return None
    return key


def session(ca_bundle: str | None) -> requests.Session:
    """A session verifying TLS against `ca_bundle`, or the system store when it is None."""
    pinned = PinnedSession()
    if ca_bundle is not None:
        pinned.verify = ca_bundle
    return pinned
