"""The Baton client over real HTTP on 127.0.0.1: paging, retries, the request ceiling, error
mapping, and the API key kept out of every error."""

from __future__ import annotations

import logging
import random
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests

from reconciler.baton.client import BatonApiError, BatonAuthError, BatonClient, BatonRateLimited
from reconciler.baton.retry import RetryPolicy
from reconciler.errors import BatonError, BatonSfError, ConnectionFailed
from tests.baton.scripted import DROP, Reply, Seen, page, scripted_server

KEY = "k3y-Secret-123456"


@dataclass
class FakeTime:
    """A clock that only moves when someone sleeps."""

    now: float = 1000.0
    sleeps: list[float] = field(default_factory=list)

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def client_for(url: str, time: FakeTime, **kwargs: Any) -> BatonClient:
    session = requests.Session()
    session.trust_env = False
    return BatonClient(
        url=url,
        api_key=KEY,
        session=session,
        clock=time.clock,
        sleep=time.sleep,
        rng=random.Random(7),
        **kwargs,
    )


@pytest.fixture
def time() -> FakeTime:
    return FakeTime()


def all_text(error: BaseException) -> Iterator[str]:
    """Everything an error shows: its text, repr, args, hint, chain and traceback."""
    seen: BaseException | None = error
    while seen is not None:
        yield str(seen)
        yield repr(seen)
        yield repr(seen.args)
        yield str(getattr(seen, "hint", ""))
        seen = seen.__cause__ or seen.__context__
    yield "".join(traceback.format_exception(error))


def test_lists_follow_next_links_in_pages_of_100_with_the_key_on_every_page(
    time: FakeTime,
) -> None:
    def script(request: Seen, base: str) -> Reply:
        number = int(request.query.get("page", ["1"])[0])
        results = [{"id": n} for n in range(number * 10, number * 10 + 3)]
        later = f"{base}/api/tasks/?page={number + 1}&page_size=100&api_key={KEY}"
        return page(results, later if number < 3 else None)

    with scripted_server(script) as server:
        found = list(client_for(server.url, time).list("tasks"))

    assert [item["id"] for item in found] == [10, 11, 12, 20, 21, 22, 30, 31, 32]
    assert server.paths() == ["/api/tasks/"] * 3
    assert all(request.query["api_key"] == [KEY] for request in server.seen)
    assert server.seen[0].query["page_size"] == ["100"]
    assert [request.query.get("page") for request in server.seen] == [None, ["2"], ["3"]]


def test_a_relative_next_link_is_read_from_the_workspace(time: FakeTime) -> None:
    def script(request: Seen, base: str) -> Reply:
        if request.query.get("page") == ["2"]:
            return page([{"id": 2}])
        return page([{"id": 1}], "/api/tasks/?page=2")

    with scripted_server(script) as server:
        found = list(client_for(server.url, time).list("tasks"))

    assert [item["id"] for item in found] == [1, 2]
    assert server.seen[1].query["api_key"] == [KEY]


def test_a_next_link_to_another_host_is_refused_and_gets_no_key(time: FakeTime) -> None:
    with (
        scripted_server(
            lambda request, base: page([{"id": 1}], "https://evil.example/api/p/")
        ) as server,
        pytest.raises(BatonError, match=r"evil\.example") as caught,
    ):
        list(client_for(server.url, time).list("projects"))

    assert len(server.seen) == 1
    assert all(KEY not in text for text in all_text(caught.value))


def test_429_waits_as_long_as_retry_after_says_then_succeeds(time: FakeTime) -> None:
    answers = iter([Reply(429, {"detail": "slow down"}, {"Retry-After": "7"}), page([{"id": 1}])])

    with scripted_server(lambda request, base: next(answers)) as server:
        found = list(client_for(server.url, time).list("projects"))

    assert found == [{"id": 1}]
    assert time.sleeps == [7.0]
    assert len(server.seen) == 2


def test_5xx_is_retried_with_growing_jittered_waits_and_gives_up_after_the_bound(
    time: FakeTime,
) -> None:
    policy = RetryPolicy(attempts=5, base_delay=1.0, max_delay=4.0)

    with scripted_server(lambda request, base: Reply(502, {"detail": "bad gateway"})) as server:
        client = client_for(server.url, time, retry=policy)
        with pytest.raises(BatonApiError) as caught:
            list(client.list("projects"))

    assert caught.value.status == 502 and caught.value.retryable
    assert len(server.seen) == 5 and client.calls == 5
    steps = [1.0, 2.0, 4.0, 4.0]
    assert len(time.sleeps) == 4
    assert all(step / 2 <= wait <= step for wait, step in zip(time.sleeps, steps, strict=True))
    assert "HTTP 502" in str(caught.value) and "list projects" in str(caught.value)


def test_a_create_answered_500_is_not_sent_again(time: FakeTime) -> None:
    with (
        scripted_server(lambda request, base: Reply(500, {"detail": "boom"})) as server,
        pytest.raises(BatonApiError),
    ):
        client_for(server.url, time).create("projects", {"title": "x"})

    assert len(server.seen) == 1 and time.sleeps == []


def test_a_create_answered_503_is_sent_again(time: FakeTime) -> None:
    answers = iter([Reply(503, {"detail": "busy"}), Reply(201, {"id": 5, "title": "x"})])

    with scripted_server(lambda request, base: next(answers)) as server:
        created = client_for(server.url, time).create("projects", {"title": "x"})

    assert created["id"] == 5
    assert [request.body for request in server.seen] == [{"title": "x"}] * 2


def test_a_dropped_connection_is_retried_for_reads_but_not_for_creates(time: FakeTime) -> None:
    answers = iter([DROP, page([{"id": 1}])])

    with scripted_server(lambda request, base: next(answers)) as server:
        found = list(client_for(server.url, time).list("projects"))
    with (
        scripted_server(lambda request, base: DROP) as server,
        pytest.raises(ConnectionFailed) as caught,
    ):
        client_for(server.url, time).create("projects", {"title": "x"})

    assert found == [{"id": 1}]
    assert len(server.seen) == 1
    assert "cannot reach Baton" in str(caught.value)


def test_a_refused_key_is_an_auth_error_that_names_the_setting(time: FakeTime) -> None:
    with (
        scripted_server(lambda request, base: Reply(401, {"detail": "Invalid API key."})) as server,
        pytest.raises(BatonAuthError) as caught,
    ):
        list(client_for(server.url, time).list("projects"))

    assert "baton.apiKey" in str(caught.value)
    assert len(server.seen) == 1


def test_a_retry_after_beyond_the_bound_ends_the_run_at_once(time: FakeTime) -> None:
    reply = Reply(429, {"detail": "later"}, {"Retry-After": "3600"})

    with (
        scripted_server(lambda request, base: reply) as server,
        pytest.raises(BatonRateLimited, match="3600"),
    ):
        list(client_for(server.url, time).list("projects"))

    assert len(server.seen) == 1 and time.sleeps == []


def test_an_answer_that_is_not_json_names_the_fix(time: FakeTime) -> None:
    with (
        scripted_server(lambda request, base: Reply(200, raw="<html>login</html>")) as server,
        pytest.raises(BatonError, match="not JSON") as caught,
    ):
        list(client_for(server.url, time).list("projects"))

    assert "baton.url" in str(caught.value)


def test_the_ceiling_holds_requests_in_any_minute_to_requests_per_minute(time: FakeTime) -> None:
    with scripted_server(lambda request, base: page([])) as server:
        client = client_for(server.url, time, requests_per_minute=3)
        sent_at = []
        for _ in range(7):
            list(client.list("projects"))
            sent_at.append(time.now)

    assert sent_at == [1000.0, 1000.0, 1000.0, 1060.0, 1060.0, 1060.0, 1120.0]
    assert len(server.seen) == 7


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        pytest.param(Reply(401, {"detail": f"bad key api_key={KEY}"}), BatonAuthError, id="401"),
        pytest.param(Reply(400, {"api_key": [KEY]}), BatonApiError, id="echoed"),
        pytest.param(Reply(500, raw=f"Traceback ... {KEY}"), BatonApiError, id="500"),
        pytest.param(DROP, ConnectionFailed, id="dropped"),
        pytest.param(page([], "https://elsewhere.example/"), BatonError, id="foreign next"),
    ],
)
def test_the_key_appears_in_no_error_its_chain_or_traceback(
    time: FakeTime, reply: Reply | str, error: type[BatonSfError]
) -> None:
    policy = RetryPolicy(attempts=2, base_delay=0.01)

    with scripted_server(lambda request, base: reply) as server, pytest.raises(error) as caught:
        list(client_for(server.url, time, retry=policy).list("projects"))

    texts = list(all_text(caught.value))
    assert all(KEY not in text for text in texts)
    assert caught.value.__cause__ is None and caught.value.__context__ is None


def test_debug_logs_of_the_http_stack_show_no_key(
    time: FakeTime, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)

    with scripted_server(lambda request, base: page([{"id": 1}])) as server:
        list(client_for(server.url, time).list("projects"))

    lines = [record.getMessage() for record in caplog.records]
    assert any("/api/projects/" in line and "api_key=***" in line for line in lines)
    assert all(KEY not in line for line in lines)


def test_the_swagger_document_is_read_once_per_client(time: FakeTime) -> None:
    swagger = {"paths": {"/projects/": {"get": {}, "post": {}}}}

    with scripted_server(lambda request, base: Reply(200, swagger)) as server:
        client = client_for(server.url, time)
        first, second = client.capabilities(), client.capabilities()

    assert first is second and len(server.seen) == 1
    assert server.paths() == ["/api/swagger.json"]
    assert first.published and str(sorted(first.operations)[0]) == "GET /api/projects/"


def test_a_workspace_without_a_swagger_document_offers_nothing(time: FakeTime) -> None:
    with scripted_server(lambda request, base: Reply(404, {"detail": "Not found."})) as server:
        capabilities = client_for(server.url, time).capabilities()

    assert not capabilities.published and not capabilities.operations


def test_the_client_repr_hides_the_key(time: FakeTime) -> None:
    client = client_for("https://127.0.0.1:9", time)

    assert KEY not in repr(client)
