"""PinnedSession: its own CA bundle wins over the environment's, and the environment's proxy
settings are read once per host."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from reconciler import tls


def test_the_session_bundle_wins_over_requests_ca_bundle(
    make_shared_emulator: Callable[..., Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    emulator = make_shared_emulator()
    other = tmp_path / "other-ca.pem"
    other.write_text("not a certificate\n", encoding="utf-8")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(other))
    monkeypatch.setenv("CURL_CA_BUNDLE", str(other))
    session = tls.session(str(emulator.ca_bundle))
    for _ in range(2):  # the second request is answered from the cached settings
        answer = session.get(f"{emulator.url}/__emulator/stats", timeout=10)
        assert answer.status_code == 200
    assert len(session._settings) == 1


def test_proxy_settings_come_from_the_environment_once_per_host(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("NO_PROXY", "skipped.example")
    session = tls.session("/ca.pem")
    args = (None, None, None)
    first = session.merge_environment_settings("https://a.example/x", {}, *args)
    assert first["proxies"]["https"] == "http://127.0.0.1:9"
    assert first["verify"] == "/ca.pem"
    first["proxies"]["https"] = "changed by a caller"
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:10")
    again = session.merge_environment_settings("https://a.example/y", {}, *args)
    assert again["proxies"]["https"] == "http://127.0.0.1:9"
    bypassed = session.merge_environment_settings("https://skipped.example/", {}, *args)
    assert "https" not in bypassed["proxies"]
    assert len(session._settings) == 2


def test_a_call_with_its_own_proxies_is_not_cached(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HTTPS_PROXY", raising=False)
    monkeypatch.delenv("https_proxy", raising=False)
    session = tls.session(None)
    own = {"https": "http://127.0.0.1:11"}
    settings = session.merge_environment_settings("https://a.example/", own, None, True, None)
    assert settings["proxies"]["https"] == "http://127.0.0.1:11"
    assert session._settings == {}
