"""The plain clients the read floor and the naive baseline use: simple-salesforce as a
hand-written script would call it, and Baton's list endpoint in pages of 100 under a
sliding-window ceiling of requests a minute (the same ceiling the reconciler obeys)."""

from __future__ import annotations

import collections
import time
from collections.abc import Iterator, Mapping
from typing import Any

import requests
from simple_salesforce.api import Salesforce

API_VERSION = "62.0"
PAGE_SIZE = 100


def session(env: Mapping[str, str]) -> requests.Session:
    """A session that trusts only the emulator's CA (not a bundle from the environment)."""
    made = requests.Session()
    made.trust_env = False
    made.verify = env["BATON_SF_CA_BUNDLE"]
    return made


def salesforce(env: Mapping[str, str]) -> Salesforce:
    """An unmodified simple-salesforce client signed in with the emulator's access token."""
    return Salesforce(
        instance_url=env["BATON_SF_SALESFORCE_URL"],
        session_id=env["BATON_SF_SALESFORCE_TOKEN"],
        session=session(env),
        version=API_VERSION,
    )


class Ceiling:
    """At most `per_minute` requests in any 60 seconds: waits before a request that would
    go over, as the reconciler's Baton client does."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._starts: collections.deque[float] = collections.deque()

    def wait(self) -> None:
        """Block until one more request fits in the window, then count it."""
        now = time.monotonic()
        while self._starts and self._starts[0] <= now - 60:
            self._starts.popleft()
        if len(self._starts) >= self.per_minute:
            time.sleep(self._starts[0] + 60 - now)
            self._starts.popleft()
        self._starts.append(time.monotonic())


def baton_list(
    http: requests.Session, env: Mapping[str, str], collection: str, ceiling: Ceiling
) -> Iterator[dict[str, Any]]:
    """Every object of a Baton collection, following `next` links page by page."""
    url: str | None = f"{env['BATON_SF_BATON_URL']}/api/{collection}/"
    params: dict[str, Any] | None = {
        "page_size": PAGE_SIZE,
        "api_key": env["BATON_SF_BATON_API_KEY"],
    }
    while url is not None:
        ceiling.wait()
        answer = http.get(url, params=params, timeout=120)
        answer.raise_for_status()
        page = answer.json()
        yield from page["results"]
        # `next` keeps every other parameter of the request, the API key included.
        url, params = page["next"], None
