"""`{env: NAME}` and `{file: path}` references: resolved at run time, never echoed."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.errors import SecretReferenceError
from reconciler.spec import EnvRef, FileRef, resolve, resolve_path


def test_a_literal_resolves_to_itself(tmp_path: Path) -> None:
    assert resolve("https://acme.example.com", tmp_path) == "https://acme.example.com"


def test_an_env_reference_reads_the_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BATON_TEST_KEY", "k-123")

    assert resolve(EnvRef(env="BATON_TEST_KEY"), tmp_path) == "k-123"


@pytest.mark.parametrize("value", [None, "", "   "], ids=["unset", "empty", "blank"])
def test_an_unusable_variable_names_itself_and_the_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str | None
) -> None:
    if value is None:
        monkeypatch.delenv("BATON_TEST_KEY", raising=False)
    else:
        monkeypatch.setenv("BATON_TEST_KEY", value)

    with pytest.raises(SecretReferenceError, match="BATON_TEST_KEY") as raised:
        resolve(EnvRef(env="BATON_TEST_KEY"), tmp_path)

    assert "BATON_TEST_KEY" in (raised.value.hint or "")


def test_a_file_reference_is_relative_to_the_spec_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec_dir = tmp_path / "specs"
    (spec_dir / "secrets").mkdir(parents=True)
    (spec_dir / "secrets" / "key.pem").write_text("-----BEGIN KEY-----\nabc\n-----END KEY-----\n")
    monkeypatch.chdir(tmp_path)

    text = resolve(FileRef(file="secrets/key.pem"), Path("specs"))

    assert text == "-----BEGIN KEY-----\nabc\n-----END KEY-----"


def test_an_absolute_file_reference_is_used_as_is(tmp_path: Path) -> None:
    secret = tmp_path / "token"
    secret.write_text("t0ken\n")

    assert resolve(FileRef(file=str(secret)), tmp_path / "elsewhere") == "t0ken"


def test_a_missing_file_names_the_path(tmp_path: Path) -> None:
    with pytest.raises(SecretReferenceError, match=r"secrets/none\.key does not exist"):
        resolve(FileRef(file="secrets/none.key"), tmp_path)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        pytest.param(b"s3cret-\xff-value", "not UTF-8", id="binary"),
        pytest.param(b"\n", "empty", id="empty"),
    ],
)
def test_an_unusable_file_never_shows_its_content(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    (tmp_path / "secret").write_bytes(content)

    with pytest.raises(SecretReferenceError, match=reason) as raised:
        resolve(FileRef(file="secret"), tmp_path)

    assert "s3cret" not in str(raised.value)


def test_a_directory_is_not_a_file(tmp_path: Path) -> None:
    (tmp_path / "dir").mkdir()

    with pytest.raises(SecretReferenceError, match="cannot read"):
        resolve(FileRef(file="dir"), tmp_path)


def test_a_path_value_is_relative_to_the_spec_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BATON_TEST_CA", "/etc/ca.pem")

    assert resolve_path("certs/ca.pem", Path("specs")) == Path("specs/certs/ca.pem")
    assert resolve_path(EnvRef(env="BATON_TEST_CA"), Path("specs")) == Path("/etc/ca.pem")
