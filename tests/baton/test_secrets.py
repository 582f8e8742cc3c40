"""The Baton API key never appears in any output: the CLI runs plan, apply, show and failing
commands (a wrong key, a 5xx, a dropped connection, an echoing error body) with logging at
DEBUG, and the captured stdout, stderr and log records are searched for the key."""

from __future__ import annotations

import logging
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from reconciler.baton import client as baton_client
from reconciler.baton.retry import RetryPolicy
from reconciler.cli.main import run
from tests.baton.scripted import DROP, Reply, Seen, scripted_server
from tests.e2e.conftest import DEMO_SEED, SPECS

WRONG_KEY = "wrong-key-0123456789"


@dataclass
class Captured:
    code: int
    text: str


@pytest.fixture
def baton_sf(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> Callable[..., Captured]:
    """Run `baton-sf --debug ARGS` in this process; return its exit code and everything it
    printed or logged."""
    monkeypatch.setattr(baton_client, "DEFAULT_RETRY", RetryPolicy(attempts=3, base_delay=0.01))
    monkeypatch.setenv("NO_COLOR", "1")
    caplog.set_level(logging.DEBUG)

    def invoke(*args: str, env: dict[str, str]) -> Captured:
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        monkeypatch.setattr(sys, "argv", ["baton-sf", "--debug", *args])
        caplog.clear()
        try:
            run()
            code = 0
        except SystemExit as exit_:
            code = int(exit_.code or 0)
        out, err = capsys.readouterr()
        logs = [record.getMessage() for record in caplog.records]
        logs += [str(record.args) for record in caplog.records]
        logs += [record.exc_text or "" for record in caplog.records]
        return Captured(code, "\n".join([out, err, *logs]))

    return invoke


@pytest.fixture
def demo(make_emulator: Callable[..., Any], tmp_path: Path) -> tuple[Any, Path]:
    spec_dir = tmp_path / "specs"
    shutil.copytree(SPECS, spec_dir)
    return make_emulator(seed=DEMO_SEED), spec_dir


def test_plan_apply_and_show_print_and_log_no_key(
    baton_sf: Callable[..., Captured], demo: tuple[Any, Path], tmp_path: Path
) -> None:
    emulator, spec_dir = demo
    key = emulator.env["BATON_SF_BATON_API_KEY"]
    plan_file = tmp_path / "plan.json"
    env = emulator.env

    runs = [
        baton_sf("plan", str(spec_dir), "--env", "emulator", "--json", env=env),
        baton_sf("plan", str(spec_dir), "--env", "emulator", "--out", str(plan_file), env=env),
        baton_sf("show", str(plan_file), env=env),
        baton_sf("apply", str(plan_file), env=env),
        baton_sf("apply", str(spec_dir), "--env", "emulator", "--auto-approve", env=env),
    ]

    assert [captured.code for captured in runs] == [0, 0, 0, 0, 0], runs[-1].text
    assert all(key not in captured.text for captured in runs)
    assert key not in plan_file.read_text()
    assert any("/api/projects/" in captured.text for captured in runs), "no request was logged"


def test_a_refused_key_is_reported_without_the_key(
    baton_sf: Callable[..., Captured], demo: tuple[Any, Path]
) -> None:
    emulator, spec_dir = demo

    captured = baton_sf(
        "plan",
        str(spec_dir),
        "--env",
        "emulator",
        env={**emulator.env, "BATON_SF_BATON_API_KEY": WRONG_KEY},
    )

    assert captured.code == 1
    assert "HTTP 401" in captured.text and "baton.apiKey" in captured.text
    assert WRONG_KEY not in captured.text
    assert emulator.env["BATON_SF_BATON_API_KEY"] not in captured.text


@pytest.mark.parametrize(
    ("reply", "shown"),
    [
        pytest.param(Reply(503, {"detail": "down"}, {"Retry-After": "0"}), "HTTP 503", id="503"),
        pytest.param(Reply(500, raw="Traceback: api_key=KEY, KEY"), "HTTP 500", id="500 echo"),
        pytest.param(Reply(400, {"api_key": ["KEY is not valid"]}), "HTTP 400", id="400 echo"),
        pytest.param(DROP, "cannot reach Baton", id="dropped"),
    ],
)
def test_failing_workspaces_are_reported_without_the_key(
    baton_sf: Callable[..., Captured], demo: tuple[Any, Path], reply: Reply | str, shown: str
) -> None:
    emulator, spec_dir = demo
    key = emulator.env["BATON_SF_BATON_API_KEY"]

    def script(request: Seen, base: str) -> Reply | str:
        if isinstance(reply, Reply) and reply.raw is not None:
            return Reply(reply.status, raw=reply.raw.replace("KEY", key))
        if isinstance(reply, Reply) and reply.status == 400:
            return Reply(400, {"api_key": [f"{key} is not valid"]})
        return reply

    with scripted_server(script) as server:
        captured = baton_sf(
            "plan",
            str(spec_dir),
            "--env",
            "emulator",
            env={**emulator.env, "BATON_SF_BATON_URL": server.url},
        )

    assert captured.code == 1
    assert shown in captured.text
    assert key not in captured.text
    assert all(request.query.get("api_key") == [key] for request in server.seen)
