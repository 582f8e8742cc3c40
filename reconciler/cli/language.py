"""The spec language commands: validate, fmt, migrate, schema, and `org snapshot`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from reconciler.cli import console
from reconciler.cli.annotations import FormatOption, check_format, diagnostic_annotation
from reconciler.errors import BatonSfError, SpecError
from reconciler.plan.run import describer, history_tracked, org_diagnostics
from reconciler.salesforce.client import connect as connect_salesforce
from reconciler.spec import Diagnostic, Spec, load_spec, validate_spec
from reconciler.spec.files import yaml_files
from reconciler.spec.formatter import format_text
from reconciler.spec.json_schema import schema_text
from reconciler.spec.migrate_files import migrate_text
from reconciler.spec.org_snapshot import read_snapshot, write_snapshot
from reconciler.spec.schema_checks import check_against_org, read_describes

SpecDirArgument = typer.Argument(Path("specs"), help="The spec directory.")
PathsArgument = typer.Argument(None, help="Spec files or directories (default: specs).")
EnvOption = typer.Option(None, "--env", help="Merge environments/NAME/ over the base spec.")
JsonOption = typer.Option(False, "--json", help="Print JSON instead of text.")

org_app = typer.Typer(
    help="Read the Salesforce org's schema for offline checks.", no_args_is_help=True
)


def register_language(app: typer.Typer) -> None:
    """Add the spec language commands to the application."""
    app.command("validate")(validate)
    app.command("fmt")(fmt)
    app.command("migrate")(migrate)
    app.command("schema")(schema)
    app.add_typer(org_app, name="org")


def validate(
    spec_dir: Path = SpecDirArgument,
    env: str | None = EnvOption,
    as_json: bool = JsonOption,
    org_snapshot: Path | None = typer.Option(
        None, "--org-snapshot", help="Also check against the org schema saved in this file."
    ),
    online: bool = typer.Option(
        False, "--online", help="Also check against the live org (resolves references)."
    ),
    output_format: str = FormatOption,
) -> None:
    """Check the spec files, offline unless --online; exit 1 when there is an error."""
    github = check_format(output_format)
    if online and org_snapshot is not None:
        raise SpecError(
            "--online and --org-snapshot were both given",
            hint="check against the live org or a snapshot of it, not both",
        )
    snapshot = read_snapshot(org_snapshot) if org_snapshot is not None else None
    spec, diagnostics = validate_spec(spec_dir, env)
    if spec is not None and snapshot is not None:
        diagnostics += check_against_org(spec, snapshot.describes, snapshot.history_tracked)
    elif spec is not None and online:
        diagnostics += _online_diagnostics(spec)
    errors = [d for d in diagnostics if d.severity == "error"]
    if as_json:
        payload = {"valid": not errors, "diagnostics": [_diagnostic_json(d) for d in diagnostics]}
        console.plain(json.dumps(payload, indent=2) + "\n")
    else:
        for diagnostic in diagnostics:
            line = diagnostic_annotation(diagnostic) if github else _diagnostic_line(diagnostic)
            console.plain(line + "\n")
        verdict = "invalid" if errors else "valid"
        console.out.print(
            f"{spec_dir}: {verdict} ({len(errors)} error(s), "
            f"{len(diagnostics) - len(errors)} warning(s))"
        )
    if errors:
        raise typer.Exit(1)


def _online_diagnostics(spec: Spec) -> list[Diagnostic]:
    return org_diagnostics(spec, connect_salesforce(spec))


def fmt(
    paths: list[Path] | None = PathsArgument,
    check: bool = typer.Option(
        False, "--check", help="Change nothing; exit 1 listing the files fmt would change."
    ),
    as_json: bool = JsonOption,
) -> None:
    """Format spec files in place: one layout, comments, key order and quoting kept."""
    changed, failed, skipped, unchanged = 0, 0, 0, 0
    changed_paths: list[str] = []
    for path in yaml_files(paths or [Path("specs")]):
        try:
            original = _read(path)
            formatted = format_text(original, str(path))
        except BatonSfError as exc:
            console.error(str(exc))
            failed += 1
            continue
        if formatted is None:
            skipped += 1
        elif formatted == original:
            unchanged += 1
        else:
            changed += 1
            changed_paths.append(str(path))
            if not check:
                _write(path, formatted)
            if not as_json:
                console.plain(f"{'would reformat' if check else 'reformatted'} {path}\n")
    verb = "would be reformatted" if check else "reformatted"
    if as_json:
        counts = {"unchanged": unchanged, "skipped": skipped, "failed": failed}
        console.plain(json.dumps({"changed": changed_paths, **counts}, indent=2) + "\n")
    else:
        console.out.print(
            f"{changed} file(s) {verb}, {unchanged} already formatted, "
            f"{skipped} not spec files (left alone)" + (f", {failed} failed" if failed else "")
        )
    if failed or (check and changed):
        raise typer.Exit(1)


def migrate(paths: list[Path] | None = PathsArgument, as_json: bool = JsonOption) -> None:
    """Rewrite spec documents of older apiVersions to the newest, in place, comments kept."""
    migrated, failed = 0, 0
    steps: list[dict[str, Any]] = []
    for path in yaml_files(paths or [Path("specs")]):
        try:
            original = _read(path)
            text, done = migrate_text(original, str(path))
        except BatonSfError as exc:
            console.error(str(exc))
            failed += 1
            continue
        if done:
            _write(path, text)
            migrated += len(done)
        for step in done:
            steps.append(
                {"file": str(path), "line": step.line, "from": step.before, "to": step.after}
            )
            if not as_json:
                console.plain(f"migrated {path}:{step.line}: {step.before} -> {step.after}\n")
    if as_json:
        console.plain(json.dumps({"migrated": steps, "failed": failed}, indent=2) + "\n")
    else:
        console.out.print(
            f"{migrated} document(s) migrated" + (f", {failed} failed" if failed else "")
        )
    if failed:
        raise typer.Exit(1)


def schema(
    overlay: bool = typer.Option(
        False, "--overlay", help="The schema of environment overlays (no key is required)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Accepted: the schema is JSON already."),
) -> None:
    """Print the JSON Schema of baton-sf/v1 spec documents."""
    console.plain(schema_text(overlay=overlay))


@org_app.command("snapshot")
def snapshot(
    spec_dir: Path = SpecDirArgument,
    env: str | None = EnvOption,
    out: Path = typer.Option(..., "--out", help="The snapshot file to write (JSON)."),
    as_json: bool = JsonOption,
) -> None:
    """Save the describes the spec needs, read from the live org, for validate
    --org-snapshot, with the fields the org tracks history of where the spec tracks any."""
    spec = load_spec(spec_dir, env)
    salesforce = connect_salesforce(spec)
    describes = read_describes(spec, describer(salesforce))
    tracked = history_tracked(spec, salesforce, describes)
    write_snapshot(out, describes, tracked or None)
    if as_json:
        console.plain(json.dumps({"out": str(out), "objects": sorted(describes)}) + "\n")
        return
    names = ", ".join(sorted(describes)) or "none"
    console.out.print(f"Wrote the describes of {len(describes)} object(s) to {out}: {names}")


def _read(path: Path) -> str:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "it is not UTF-8 text"
        raise SpecError(f"cannot read {path}: {reason}", hint="check the file") from exc


def _write(path: Path, text: str) -> None:
    try:
        with path.open("w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    except OSError as exc:
        raise SpecError(
            f"cannot write {path}: {exc.strerror}", hint="check the file's permissions"
        ) from exc


def _diagnostic_line(d: Diagnostic) -> str:
    hint = f" (hint: {d.hint})" if d.hint else ""
    return f"{d.file}:{d.line}:{d.column}: {d.severity}: {d.message} [{d.code}]{hint}"


def _diagnostic_json(d: Diagnostic) -> dict[str, Any]:
    return {
        "severity": d.severity,
        "code": d.code,
        "message": d.message,
        "file": d.file,
        "line": d.line,
        "column": d.column,
        "hint": d.hint,
    }
