"""Fault injection from `up --faults FILE`, the daily API limit, and Baton's rate limit of
1,000 requests a minute per API key (enforced with or without a faults file)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests
from simple_salesforce.exceptions import SalesforceRefusedRequest

from reconciler.emulator import EmulatorError, up
from reconciler.emulator.faults import FaultConfig, read_faults
from reconciler.emulator.ratelimit import SlidingWindow

SEED: dict[str, Any] = {"salesforce": {"Account": [{"Name": "Acme"}, {"Name": "Globex"}]}}


def _data(emulator: Any, path: str = "sobjects") -> requests.Response:
    token = emulator.env["BATON_SF_SALESFORCE_TOKEN"]
    return emulator.session().get(
        f"{emulator.url}/services/data/v62.0/{path}",
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )


def _health(emulator: Any) -> int:
    return int(emulator.session().get(f"{emulator.url}/__emulator/health").status_code)


def test_a_full_faults_file_is_read_into_its_settings(tmp_path: Path) -> None:
    path = tmp_path / "faults.yaml"
    path.write_text(
        "seed: 11\n"
        "salesforce: {errorRate: 0.1, lockRate: 0.05, partialRate: 0.05, dailyLimit: 500,"
        " describeDelaySeconds: 2}\n"
        "baton: {errorRate: 0.2, ratePerMinute: 60}\n"
        "dropRate: 0.02\n"
        "latencyMs: 20\n"
    )

    config = read_faults(path)

    assert config.seed == 11
    assert config.salesforce.error_rate == 0.1 and config.salesforce.daily_limit == 500
    assert config.salesforce.describe_delay_seconds == 2
    assert config.baton.rate_per_minute == 60 and config.baton.error_rate == 0.2
    assert (config.drop_rate, config.latency_ms) == (0.02, 20)


def test_an_empty_faults_file_means_healthy_services_with_real_limits(tmp_path: Path) -> None:
    path = tmp_path / "faults.yaml"
    path.write_text("")

    assert read_faults(path) == FaultConfig()
    assert FaultConfig().baton.rate_per_minute == 1000
    assert FaultConfig().salesforce.daily_limit == 100_000


@pytest.mark.parametrize(
    ("text", "place", "fix"),
    [
        pytest.param(
            "salesforce: {errorRate: 1.5}", "salesforce.errorRate", "from 0 to 1", id="rate"
        ),
        pytest.param("salesforce: {errRate: 0.1}", "salesforce.errRate", "errorRate", id="key"),
        pytest.param("dropRate: lots", "dropRate", "from 0 to 1", id="text"),
        pytest.param("baton: {ratePerMinute: 0}", "baton.ratePerMinute", "at least 1", id="rpm"),
        pytest.param("latencyMs: -5", "latencyMs", "at least 0", id="latency"),
        pytest.param("seed: eleven", "seed", "whole number", id="seed"),
        pytest.param("salesforce: 0.1", "salesforce", "mapping", id="section"),
        pytest.param("- errorRate: 0.1", "faults.yaml", "mapping", id="list"),
        pytest.param("salesforce: {errorRate: [", "faults.yaml", "YAML", id="syntax"),
    ],
)
def test_a_bad_faults_file_fails_up_with_one_line_naming_the_key_and_fix(
    tmp_path: Path, text: str, place: str, fix: str
) -> None:
    path = tmp_path / "faults.yaml"
    path.write_text(text + "\n")

    with pytest.raises(EmulatorError) as raised:
        up(tmp_path / "state", faults=path)

    message = str(raised.value)
    assert "\n" not in message
    assert place in message and fix in message
    assert not (tmp_path / "state" / "server.json").exists()


def test_a_missing_faults_file_fails_up(tmp_path: Path) -> None:
    with pytest.raises(EmulatorError, match="cannot read the faults file"):
        up(tmp_path / "state", faults=tmp_path / "absent.yaml")


@pytest.fixture(scope="module")
def broken(make_module_faulty_emulator: Callable[..., Any]) -> Any:
    """Both services answer every request with a 5xx."""
    return make_module_faulty_emulator(
        {"seed": 3, "salesforce": {"errorRate": 1.0}, "baton": {"errorRate": 1.0}}
    )


def test_salesforce_errors_answer_5xx_but_never_the_control_paths(broken: Any) -> None:
    emulator = broken
    before = emulator.stats().get("faults", {}).get("salesforce.error", 0)

    answers = [_data(emulator) for _ in range(8)]

    assert {answer.status_code for answer in answers} <= {500, 503}
    assert {answer.json()[0]["errorCode"] for answer in answers} <= {
        "UNKNOWN_EXCEPTION",
        "SERVER_UNAVAILABLE",
    }
    assert _health(emulator) == 200
    assert emulator.stats()["faults"]["salesforce.error"] - before == 8


def test_lock_errors_refuse_record_writes_but_not_reads(
    make_faulty_emulator: Callable[..., Any],
) -> None:
    emulator = make_faulty_emulator({"salesforce": {"lockRate": 1.0}}, seed=SEED)
    session, url = emulator.session(), f"{emulator.url}/services/data/v62.0"
    headers = {"Authorization": f"Bearer {emulator.env['BATON_SF_SALESFORCE_TOKEN']}"}

    created = session.post(f"{url}/sobjects/Account/", json={"Name": "X"}, headers=headers)
    read = session.get(f"{url}/query/", params={"q": "SELECT Id FROM Account"}, headers=headers)

    assert created.status_code == 400
    assert created.json()[0]["errorCode"] == "UNABLE_TO_LOCK_ROW"
    assert read.status_code == 200 and read.json()["totalSize"] == 2


def test_partial_failures_hit_records_inside_collections_and_bulk_jobs(
    make_faulty_emulator: Callable[..., Any],
) -> None:
    emulator = make_faulty_emulator({"salesforce": {"partialRate": 1.0}})
    sf = emulator.sf()

    answer = sf.restful(
        "composite/sobjects",
        method="POST",
        json={"records": [{"attributes": {"type": "Account"}, "Name": f"A{n}"} for n in range(3)]},
    )
    (job,) = sf.bulk2.Account.insert(records=[{"Name": "B"}], wait=0)
    failed = sf.bulk2.Account.get_failed_records(job["job_id"])

    assert [result["success"] for result in answer] == [False, False, False]
    assert {result["errors"][0]["statusCode"] for result in answer} == {"UNABLE_TO_LOCK_ROW"}
    assert job["numberRecordsFailed"] == 1 and "UNABLE_TO_LOCK_ROW:" in failed
    assert sf.query("SELECT Id FROM Account")["totalSize"] == 0


def test_the_daily_limit_refuses_calls_once_spent(make_faulty_emulator: Callable[..., Any]) -> None:
    emulator = make_faulty_emulator({"salesforce": {"dailyLimit": 4}})
    sf = emulator.sf()

    limits = sf.limits()
    sf.describe()
    sf.query("SELECT Id FROM Account")
    sf.Account.describe()
    with pytest.raises(SalesforceRefusedRequest) as raised:
        sf.describe()
    refused = _data(emulator)

    assert limits["DailyApiRequests"] == {"Max": 4, "Remaining": 3}
    assert raised.value.status == 403
    assert raised.value.content == [
        {"message": "TotalRequests Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}
    ]
    assert refused.headers["Sforce-Limit-Info"] == "api-usage=4/4"


def test_dropped_connections_end_without_an_answer(
    make_faulty_emulator: Callable[..., Any],
) -> None:
    emulator = make_faulty_emulator({"dropRate": 1.0})

    with pytest.raises(requests.exceptions.ConnectionError):
        _data(emulator)
    with pytest.raises(requests.exceptions.ConnectionError):
        emulator.baton("GET", "projects/")
    assert _health(emulator) == 200


def test_latency_delays_every_service_answer(make_faulty_emulator: Callable[..., Any]) -> None:
    emulator = make_faulty_emulator({"latencyMs": 150})

    started = time.monotonic()
    _data(emulator)
    emulator.baton_get("projects/")
    elapsed = time.monotonic() - started
    started = time.monotonic()
    _health(emulator)
    control = time.monotonic() - started

    assert elapsed >= 0.3
    assert control < 0.15


def test_the_same_seed_replays_the_same_faults(make_faulty_emulator: Callable[..., Any]) -> None:
    faults = {"seed": 11, "salesforce": {"errorRate": 0.5}}
    runs = []
    for seed in (11, 11, 12):
        emulator = make_faulty_emulator({**faults, "seed": seed})
        runs.append([_data(emulator).status_code for _ in range(24)])

    assert runs[0] == runs[1]
    assert runs[0] != runs[2]
    assert {200} < set(runs[0])


def test_baton_errors_answer_5xx(broken: Any) -> None:
    answers = [broken.baton("GET", "projects/") for _ in range(6)]

    assert {answer.status_code for answer in answers} <= {500, 503}
    assert {answer.headers["Content-Type"] for answer in answers} == {"text/html"}


def test_baton_throttles_past_its_rate_with_retry_after(
    make_faulty_emulator: Callable[..., Any],
) -> None:
    emulator = make_faulty_emulator({"baton": {"ratePerMinute": 3}})

    allowed = [emulator.baton("GET", "projects/").status_code for _ in range(3)]
    unauthenticated = emulator.baton("GET", "projects/", params={"api_key": "wrong"})
    throttled = emulator.baton("GET", "projects/")

    assert allowed == [200, 200, 200]
    assert unauthenticated.status_code == 401
    assert throttled.status_code == 429
    wait = int(throttled.headers["Retry-After"])
    assert 1 <= wait <= 60
    assert throttled.json() == {
        "detail": f"Request was throttled. Expected available in {wait} seconds."
    }
    assert _data(emulator).status_code == 200


def test_baton_allows_1000_requests_a_minute_without_a_faults_file(
    make_emulator: Callable[..., Any],
) -> None:
    emulator = make_emulator()
    session = emulator.session()
    url = f"{emulator.url}/api/phases/"
    params = {"api_key": emulator.env["BATON_SF_BATON_API_KEY"], "page_size": 1}

    statuses = [session.get(url, params=params).status_code for _ in range(1001)]

    assert statuses[:1000] == [200] * 1000
    assert statuses[1000] == 429


def test_the_sliding_window_frees_a_slot_as_the_oldest_request_ages() -> None:
    now = [100.0]
    window = SlidingWindow(2, 60.0, clock=lambda: now[0])

    first, second = window.acquire("key"), window.acquire("key")
    now[0] = 130.0
    refused = window.acquire("key")
    other_key = window.acquire("other")
    now[0] = 160.5
    freed = window.acquire("key")

    assert (first, second) == (None, None)
    assert refused == 30
    assert other_key is None
    assert freed is None
