"""Starting and stopping emulators: up, down, status, env, fresh storage, bad seeds."""

from __future__ import annotations

import json
import signal
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests
from emulator_seeds import STANDARD_SEED
from ruamel.yaml import YAML

from reconciler.emulator import EmulatorError, down, env, status, up

ENV_NAMES = {
    "BATON_SF_SALESFORCE_URL",
    "BATON_SF_SALESFORCE_TOKEN",
    "BATON_SF_BATON_URL",
    "BATON_SF_BATON_API_KEY",
    "BATON_SF_CA_BUNDLE",
}


def _write(path: Path, seed: dict[str, Any]) -> Path:
    with path.open("w") as handle:
        YAML(typ="safe", pure=True).dump(seed, handle)
    return path


def test_env_points_both_services_at_the_server_root(make_emulator: Callable[..., Any]) -> None:
    emulator = make_emulator()

    variables = env(emulator.state_dir)

    assert set(variables) == ENV_NAMES
    assert variables["BATON_SF_SALESFORCE_URL"] == emulator.url
    assert variables["BATON_SF_BATON_URL"] == emulator.url
    assert emulator.url == f"https://127.0.0.1:{emulator.info.port}"
    assert Path(variables["BATON_SF_CA_BUNDLE"]).is_absolute()
    assert variables["BATON_SF_CA_BUNDLE"] == str(emulator.state_dir / "ca.pem")


def test_secrets_stay_out_of_the_info_and_in_a_private_file(
    make_emulator: Callable[..., Any],
) -> None:
    emulator = make_emulator()
    token = emulator.env["BATON_SF_SALESFORCE_TOKEN"]
    api_key = emulator.env["BATON_SF_BATON_API_KEY"]

    shown = repr(status(emulator.state_dir))
    mode = stat.S_IMODE((emulator.state_dir / "server.json").stat().st_mode)
    log = (emulator.state_dir / "server.log").read_text()
    emulator.baton_get("projects/")

    assert token not in shown and api_key not in shown
    assert mode == 0o600
    assert token not in log and api_key not in (emulator.state_dir / "server.log").read_text()


def test_credentials_are_new_for_every_up(make_emulator: Callable[..., Any]) -> None:
    first, second = make_emulator(), make_emulator()

    assert first.env["BATON_SF_SALESFORCE_TOKEN"] != second.env["BATON_SF_SALESFORCE_TOKEN"]
    assert first.env["BATON_SF_BATON_API_KEY"] != second.env["BATON_SF_BATON_API_KEY"]


def test_the_server_answers_only_clients_that_trust_its_ca(
    make_emulator: Callable[..., Any],
) -> None:
    emulator = make_emulator()
    session = requests.Session()
    session.trust_env = False

    with pytest.raises(requests.exceptions.SSLError):
        session.get(f"{emulator.url}/__emulator/health", verify=True)
    session.close()
    assert emulator.session().get(f"{emulator.url}/__emulator/health").json()["status"] == "ok"


def test_down_stops_the_server_and_a_second_down_is_harmless(tmp_path: Path) -> None:
    info = up(tmp_path / "state")

    assert status(tmp_path / "state") == info
    assert down(tmp_path / "state") is True
    assert status(tmp_path / "state") is None
    assert down(tmp_path / "state") is False
    assert not (tmp_path / "state" / "server.json").exists()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", info.port), timeout=1).close()
    with pytest.raises(EmulatorError, match="no emulator is running"):
        env(tmp_path / "state")


def test_a_second_up_for_a_running_state_dir_is_refused(
    make_emulator: Callable[..., Any],
) -> None:
    emulator = make_emulator()

    with pytest.raises(EmulatorError) as raised:
        up(emulator.state_dir)

    message = str(raised.value)
    assert "already running" in message and str(emulator.info.pid) in message
    assert "down" in message
    assert status(emulator.state_dir) == emulator.info


def test_every_up_starts_from_the_seed_alone(tmp_path: Path) -> None:
    state = tmp_path / "state"
    seed = _write(tmp_path / "seed.yaml", STANDARD_SEED)
    counts = []
    for _ in range(2):
        info = up(state, seed=seed)
        variables = env(state)
        session = requests.Session()
        session.trust_env = False
        session.verify = str(info.ca_bundle)
        projects = f"{info.url}/api/projects/"
        key = {"api_key": variables["BATON_SF_BATON_API_KEY"]}
        session.post(projects, params=key, json={"title": "Made during the run"})
        counts.append(session.get(projects, params=key).json()["count"])
        session.close()
        down(state)

    assert counts == [3, 3]


def test_up_takes_the_port_it_is_given(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    info = up(tmp_path / "state", port=port)
    try:
        assert info.port == port and info.url.endswith(f":{port}")
        with pytest.raises(EmulatorError, match=f"port {port} on 127.0.0.1 is in use"):
            up(tmp_path / "other", port=port)
    finally:
        down(tmp_path / "state")
    assert status(tmp_path / "other") is None


def test_a_bad_seed_fails_up_with_one_line_and_leaves_nothing_running(tmp_path: Path) -> None:
    seed = _write(
        tmp_path / "seed.yaml",
        {"salesforce": {"Opportunity": [{"Name": "x", "StageName": "y", "CloseDate": "soon"}]}},
    )
    state = tmp_path / "state"

    with pytest.raises(EmulatorError) as raised:
        up(state, seed=seed)

    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith(f"{seed}: salesforce.Opportunity[0].CloseDate: ")
    assert "YYYY-MM-DD" in message
    assert status(state) is None
    assert sorted(p.name for p in state.iterdir()) == ["server.log"]


def test_a_missing_seed_file_fails_before_starting_anything(tmp_path: Path) -> None:
    with pytest.raises(EmulatorError, match=r"seed file .*missing\.yaml does not exist"):
        up(tmp_path / "state", seed=tmp_path / "missing.yaml")

    assert not (tmp_path / "state" / "server.log").exists()


def test_starting_with_a_small_seed_is_quick(tmp_path: Path) -> None:
    records = [
        {"Name": f"Deal {n}", "StageName": "Prospecting", "CloseDate": "2026-01-31"}
        for n in range(30)
    ]
    seed = _write(tmp_path / "seed.yaml", {"salesforce": {"Opportunity": records}})

    started = time.monotonic()
    up(tmp_path / "state", seed=seed)
    elapsed = time.monotonic() - started
    down(tmp_path / "state")

    assert elapsed < 2.0


def test_serve_runs_in_the_foreground_and_exits_cleanly_on_sigterm(tmp_path: Path) -> None:
    state = tmp_path / "state"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "reconciler.emulator",
            "serve",
            "--state",
            str(state),
            "--port",
            "0",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while not (state / "server.json").exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        record = json.loads((state / "server.json").read_text())
        assert record["pid"] == server.pid
        assert status(state) is not None

        server.send_signal(signal.SIGTERM)
        _, errors = server.communicate(timeout=20)
    finally:
        if server.poll() is None:
            server.kill()
            server.communicate()

    assert server.returncode == 0, errors
    assert not (state / "server.json").exists()
    assert b"Traceback" not in errors
