"""HTTP sessions that trust exactly the CA bundle a Connection names.

requests lets `REQUESTS_CA_BUNDLE` and `CURL_CA_BUNDLE` override a session's own `verify`,
so a machine-wide bundle would silently replace the emulator's CA; this session keeps the
bundle it was given. Certificate checks are never turned off.
"""

from __future__ import annotations

from typing import Any

import requests


class PinnedSession(requests.Session):
    """A session whose configured CA bundle wins over the environment's."""

    def merge_environment_settings(
        self, url: Any, proxies: Any, stream: Any, verify: Any, cert: Any
    ) -> Any:
        settings = super().merge_environment_settings(url, proxies, stream, verify, cert)
        if isinstance(self.verify, str):
            settings["verify"] = self.verify
        return settings


def session(ca_bundle: str | None) -> requests.Session:
    """A session verifying TLS against `ca_bundle`, or the system store when it is None."""
    pinned = PinnedSession()
    if ca_bundle is not None:
        pinned.verify = ca_bundle
    return pinned
