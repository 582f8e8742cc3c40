"""Environment overlays: deep-merged over the base document of the same kind and name."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from spec_support import BASE, Check, only

from reconciler.spec import validate_spec

PROD = "environments/production/"


def overlay(kind: str, name: str, body: str) -> str:
    return f"apiVersion: baton-sf/v1\nkind: {kind}\nmetadata: {{name: {name}}}\nspec:\n{body}"


def test_mappings_merge_and_untouched_keys_stay(check: Check) -> None:
    text = overlay(
        "Connection", "acme", "  salesforce:\n    instanceUrl: https://prod.example.com\n"
    )

    spec, diagnostics = check({PROD + "connection.yaml": text}, env="production")

    assert spec is not None, [str(d) for d in diagnostics]
    assert spec.environment == "production"
    assert spec.connection.salesforce.instance_url == "https://prod.example.com"
    assert spec.connection.salesforce.auth.method == "jwt-bearer"
    assert spec.connection.timezone == "America/New_York"


def test_lists_replace_rather_than_append(check: Check) -> None:
    body = (
        "  when:\n    all:\n      - {field: StageName, eq: Won}\n      - {field: Type, eq: New}\n"
    )

    spec, _ = check(
        {PROD + "rule.yaml": overlay("ImportRule", "closed-won", body)}, env="production"
    )

    assert spec is not None
    criteria = spec.rule("closed-won").when.criteria()
    assert [(c.field, c.value) for c in criteria] == [("StageName", "Won"), ("Type", "New")]


def test_null_in_an_overlay_restores_the_default(check: Check) -> None:
    body = "  every: null\n"

    spec, _ = check(
        {PROD + "sync.yaml": overlay("SyncBack", "opportunity", body)}, env="production"
    )

    assert spec is not None
    assert spec.sync_backs[0].every == timedelta(hours=4)


def test_overlay_errors_point_into_the_overlay_file(check: Check) -> None:
    text = overlay("Connection", "acme", "  timezone: Mars/Olympus\n")

    _, diagnostics = check({PROD + "connection.yaml": text}, env="production")

    found = only(diagnostics, "unknown-timezone")
    assert (found.file, found.line) == (f"spec/{PROD}connection.yaml", 5)


def test_an_overlay_without_a_base_is_an_error(check: Check) -> None:
    text = overlay("ImportRule", "closed-wn", "  template: Other\n")

    spec, diagnostics = check({PROD + "rule.yaml": text}, env="production")

    found = only(diagnostics, "overlay-without-base")
    assert spec is None
    assert (found.file, found.line) == (f"spec/{PROD}rule.yaml", 3)
    assert found.hint == "did you mean 'closed-won'?"


def test_two_overlays_of_one_document_are_an_error(check: Check) -> None:
    text = overlay("Connection", "acme", "  timezone: UTC\n")

    _, diagnostics = check({PROD + "a.yaml": text, PROD + "b.yaml": text}, env="production")

    assert only(diagnostics, "duplicate-name").file == f"spec/{PROD}b.yaml"


def test_an_unknown_environment_lists_the_ones_there_are(check: Check) -> None:
    files = {
        PROD + "c.yaml": overlay("Connection", "acme", "  timezone: UTC\n"),
        "environments/staging/c.yaml": overlay("Connection", "acme", "  timezone: UTC\n"),
    }

    spec, diagnostics = check(files, env="prod")

    found = only(diagnostics, "unknown-environment")
    assert spec is None
    assert found.file == "spec/environments"
    assert "environments: production, staging" in (found.hint or "")


def test_an_environment_cannot_escape_the_environments_directory(check: Check) -> None:
    spec, diagnostics = check({"elsewhere/c.yaml": "apiVersion: baton-sf/v1\n"}, env="../elsewhere")

    assert spec is None
    assert only(diagnostics, "unknown-environment")


def test_without_an_environment_overlays_are_not_read(check: Check) -> None:
    spec, diagnostics = check({PROD + "broken.yaml": "kind: [unclosed"})

    assert spec is not None, [str(d) for d in diagnostics]
    assert spec.environment is None


def test_the_digest_depends_on_the_environment(check: Check) -> None:
    text = overlay("Connection", "acme", "  timezone: UTC\n")
    files = {PROD + "c.yaml": text}

    base, _ = check(files)
    production, _ = check(files, env="production")

    assert base is not None and production is not None
    assert base.digest != production.digest


def test_an_overlay_may_change_the_auth_method(check: Check) -> None:
    body = (
        "  salesforce:\n    auth:\n      method: access-token\n      accessToken: {env: T}\n"
        "      username: null\n      clientId: null\n      privateKey: null\n"
    )

    spec, diagnostics = check(
        {PROD + "c.yaml": overlay("Connection", "acme", body)}, env="production"
    )

    assert spec is not None, [str(d) for d in diagnostics]
    assert spec.connection.salesforce.auth.method == "access-token"
    assert spec.connection.salesforce.auth.private_key is None


def test_an_overlay_with_a_null_spec_changes_nothing(tmp_path: Path) -> None:
    for name, text in BASE.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    overlay = tmp_path / "environments" / "production" / "o.yaml"
    overlay.parent.mkdir(parents=True)
    overlay.write_text("apiVersion: baton-sf/v1\nkind: Connection\nmetadata: {name: acme}\nspec:\n")

    spec, diagnostics = validate_spec(tmp_path, "production")

    assert spec is not None, diagnostics
