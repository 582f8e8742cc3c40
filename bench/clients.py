"""The plain clients the read floor and the naive baseline use: simple-salesforce as a
hand-written script would call it, and Baton's list endpoint in pages of 100 under the
reconciler's own sliding-window ceiling of requests a minute."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import requests
from simple_salesforce.api import Salesforce

from reconciler.baton.ratelimit import SlidingWindow

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


class BatonRefused(Exception):
    """Baton answered a list request with an error; the message names the collection and
    the status, never the URL (it carries the API key)."""


def run_main(main: Callable[[], int]) -> int:
    """A step's `main()`, with Baton's refusal as one line on stderr and exit 1."""
    try:
        return main()
    except BatonRefused as refused:
        print(f"error: {refused}", file=sys.stderr)
        return 1


def ceiling(per_minute: int) -> SlidingWindow:
    """The reconciler's own ceiling of Baton requests a minute."""
    return SlidingWindow(per_minute)


def baton_list(
    http: requests.Session, env: Mapping[str, str], collection: str, window: SlidingWindow
) -> Iterator[dict[str, Any]]:
    """Every object of a Baton collection, following `next` links page by page."""
    url: str | None = f"{env['BATON_SF_BATON_URL']}/api/{collection}/"
    params: dict[str, Any] | None = {
        "page_size": PAGE_SIZE,
        "api_key": env["BATON_SF_BATON_API_KEY"],
    }
    while url is not None:
        window.acquire()
        try:
            answer = http.get(url, params=params, timeout=120)
        finally:
            window.release()
        if answer.status_code >= 400:
            raise BatonRefused(f"Baton answered {answer.status_code} to a list of {collection}")
        page = answer.json()
        yield from page["results"]
        # `next` keeps every other parameter of the request, the API key included.
        url, params = page["next"], None
