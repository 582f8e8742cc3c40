"""Baton is read on a thread of its own while Salesforce is read: a failure on either side
ends the plan with that side's error, and an abandoned Baton read sends nothing more."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests

from reconciler.baton.client import BatonClient
from reconciler.baton.errors import ReadAbandoned
from reconciler.errors import BatonSfError
from reconciler.observe.background import Background
from reconciler.observe.reader import observe
from reconciler.salesforce.client import connect
from reconciler.spec import load_spec
from tests.baton.scripted import Reply, Seen, scripted_server
from tests.salesforce import sf_support
from tests.schema.schema_support import write_live_spec

RULE = sf_support.RULE + "  fields: {title: Missing__c}\n"


def test_background_hands_back_the_value() -> None:
    assert Background(lambda: 41 + 1, name="sum").result() == 42


def test_background_hands_back_the_error_on_check_and_result() -> None:
    def fail() -> int:
        raise ValueError("no answer")

    failing = Background(fail, name="fail")
    with pytest.raises(ValueError, match="no answer"):
        failing.result()
    with pytest.raises(ValueError, match="no answer"):
        failing.check()


def test_check_returns_while_the_call_is_still_running() -> None:
    release = threading.Event()
    running = Background(lambda: release.wait(10), name="waits")
    running.check()
    release.set()
    assert running.result() is True


def test_an_abandoned_client_sends_nothing() -> None:
    with scripted_server(lambda seen, base: Reply(body={"results": [], "next": None})) as server:
        session = requests.Session()
        session.trust_env = False
        client = BatonClient(url=server.url, api_key="k3y", session=session)
        assert list(client.list("projects")) == []
        client.abandon()
        with pytest.raises(ReadAbandoned):
            list(client.list("projects"))
    assert server.paths() == ["/api/projects/"]
    assert client.calls == 1


def test_a_salesforce_failure_abandons_the_baton_read(
    make_emulator: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rule reads a field the org lacks: the query fails while Baton's first request is
    still unanswered, and the Baton read stops there."""
    org = make_emulator()
    for name, value in org.env.items():
        monkeypatch.setenv(name, value)
    spec = load_spec(write_live_spec(tmp_path / "spec", rule=RULE))
    first_request = threading.Event()
    release = threading.Event()

    def slow_baton(seen: Seen, base: str) -> Reply:
        first_request.set()
        release.wait(10)
        return Reply(body={"paths": {}})

    with scripted_server(slow_baton) as server:
        session = requests.Session()
        session.trust_env = False
        baton = BatonClient(url=server.url, api_key="k3y", session=session, rng=random.Random(1))
        with pytest.raises(BatonSfError) as failure:
            observe(spec, connect(spec), baton)
        assert first_request.is_set()
        assert "Missing__c" in str(failure.value)
        release.set()
        _wait_for_thread("baton-sf read Baton")
    assert server.paths() == ["/api/swagger.json"]


def _wait_for_thread(name: str) -> None:
    deadline = time.monotonic() + 10
    while any(thread.name == name for thread in threading.enumerate()):
        assert time.monotonic() < deadline, f"the thread {name} is still running"
        time.sleep(0.01)
