"""The review commands against the emulator: plan with policies, its Markdown and GitHub
output, `policy check`, and saved plans that a policy denied."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.review.review_support import baton_sf, invoke

REPO = Path(__file__).resolve().parents[2]
DEMO_SEED = REPO / "examples" / "emulator-seed.yaml"
STRICT = """\
apiVersion: baton-sf/v1
kind: Policy
metadata:
  name: strict
spec:
  params:
    maxCreates: 1
  rules:
    - name: one-at-a-time
      level: deny
      when: plan.summary.create > params.maxCreates
      message: At most {maxCreates} project per apply.
"""


@pytest.fixture(scope="module")
def emulator(make_shared_emulator: Callable[..., Any]) -> Any:
    """The demo emulator; the tests here only plan, or are refused before writing."""
    return make_shared_emulator(seed=DEMO_SEED)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A directory holding a copy of the example spec and the default policies."""
    shutil.copytree(REPO / "specs", tmp_path / "specs")
    shutil.copytree(REPO / "policies", tmp_path / "policies")
    return tmp_path


def run(workspace: Path, emulator: Any, *args: str) -> Any:
    return invoke(*args, env={**emulator.env, "BATON_SF_HOME": str(workspace / ".home")})


def test_plan_records_the_policy_results_and_the_api_allowance(
    workspace: Path, emulator: Any
) -> None:
    result = run(
        workspace,
        emulator,
        *("plan", str(workspace / "specs"), "--env", "emulator", "--json"),
        *("--policies", str(workspace / "policies")),
    )

    assert result.code == 0, result.output
    plan = json.loads(result.stdout)
    allowance = plan["targets"]["salesforce"]["dailyApiRequests"]
    assert allowance["max"] == 100_000
    assert 0 < allowance["remaining"] < 100_000
    assert plan["policy"]["denied"] == []
    [warned] = plan["policy"]["warned"]
    assert (warned["policy"], warned["rule"], warned["level"]) == (
        "guardrails",
        "status-history",
        "warn",
    )
    assert warned["file"].endswith("specs/sync/opportunity.yaml")


def test_plan_markdown_is_the_comment_and_show_renders_the_same(
    workspace: Path, emulator: Any
) -> None:
    saved = workspace / "plan.json"
    planned = run(
        workspace,
        emulator,
        *("plan", str(workspace / "specs"), "--env", "emulator", "--markdown"),
        *("--out", str(saved), "--policies", str(workspace / "policies")),
    )
    shown = invoke("show", str(saved), "--markdown")

    assert planned.code == 0, planned.output
    assert planned.stdout.startswith("<!-- baton-sf-plan -->\n")
    assert "#### Policy: 0 denied, 1 warned" in planned.stdout
    assert "| Baton projects to create |" in planned.stdout
    assert emulator.env["BATON_SF_SALESFORCE_TOKEN"] not in planned.stdout
    assert emulator.env["BATON_SF_BATON_API_KEY"] not in planned.stdout
    assert shown.stdout == planned.stdout


def test_plan_format_github_annotates_findings_with_default_policies_of_the_directory(
    workspace: Path, emulator: Any
) -> None:
    result = baton_sf(
        "plan", "specs", "--env", "emulator", "--format", "github", cwd=workspace, env=emulator.env
    )

    assert result.code == 0, result.output
    annotations = [line for line in result.stdout.splitlines() if line.startswith("::")]
    assert annotations == [
        "::warning file=specs/sync/opportunity.yaml,line=3,"
        "title=policy guardrails/status-history (warn)::The field that holds the project status "
        "has no history tracking; add it to trackHistory. [SyncBack opportunity]"
    ]
    assert "Plan: " in result.stdout


def test_a_denied_plan_exits_1_and_cannot_be_applied(workspace: Path, emulator: Any) -> None:
    (workspace / "policies" / "strict.yaml").write_text(STRICT, encoding="utf-8")
    saved = workspace / "denied.json"
    projects_before = emulator.baton_get("projects/")["count"]

    planned = run(
        workspace,
        emulator,
        *("plan", str(workspace / "specs"), "--env", "emulator", "--out", str(saved)),
        *("--policies", str(workspace / "policies")),
    )
    applied = run(workspace, emulator, "apply", str(saved))
    checked = run(
        workspace,
        emulator,
        "policy",
        "check",
        "--plan",
        str(saved),
        "--policies",
        str(workspace / "policies"),
        "--format",
        "github",
    )
    direct = run(
        workspace,
        emulator,
        *("apply", str(workspace / "specs"), "--env", "emulator", "--auto-approve"),
        *("--policies", str(workspace / "policies")),
    )

    assert planned.code == 1
    assert "Plan: " in planned.stdout
    assert "deny strict/one-at-a-time: At most 1 project per apply." in planned.stdout
    assert json.loads(saved.read_text())["policy"]["denied"][0]["rule"] == "one-at-a-time"
    assert applied.code == 1
    assert "was denied by policy (strict/one-at-a-time)" in applied.stderr
    assert checked.code == 1
    assert "::error file=" in checked.stdout and "strict/one-at-a-time" in checked.stdout
    assert direct.code == 1
    assert "the policies deny this plan" in direct.stderr
    assert emulator.baton_get("projects/")["count"] == projects_before


def test_a_broken_policy_stops_plan_before_planning_with_its_place(
    workspace: Path, emulator: Any
) -> None:
    broken = STRICT.replace("plan.summary.create > params.maxCreates", "plan.summary.create >")
    (workspace / "policies" / "strict.yaml").write_text(broken, encoding="utf-8")
    before = emulator.stats()

    result = run(
        workspace,
        emulator,
        *("plan", str(workspace / "specs"), "--env", "emulator", "--format", "github"),
        *("--policies", str(workspace / "policies")),
    )

    assert result.code == 1
    assert result.stdout.startswith(
        f"::error file={workspace / 'policies' / 'strict.yaml'},line=11,col="
    )
    assert "when is not a valid CEL expression" in result.stdout
    assert emulator.stats() == before


def test_policy_check_without_a_plan_skips_the_rules_that_read_one(workspace: Path) -> None:
    result = invoke(
        "policy",
        "check",
        str(workspace / "specs"),
        "--policies",
        str(workspace / "policies"),
        "--json",
    )

    assert result.code == 0, result.output
    report = json.loads(result.stdout)
    assert report["passed"] is True
    assert report["evaluated"] == 2
    assert report["skipped"] == [
        "guardrails/firehose",
        "guardrails/unmapped-field-write",
        "guardrails/delete-needs-allowance",
        "guardrails/api-budget",
    ]


def test_policy_check_reports_an_invalid_spec_as_diagnostics(workspace: Path) -> None:
    (workspace / "specs" / "import" / "closed-won.yaml").write_text(
        "apiVersion: baton-sf/v1\nkind: ImportRule\nmetadata: {name: x}\nspec: {objekt: A}\n"
    )

    result = invoke(
        "policy",
        "check",
        str(workspace / "specs"),
        "--policies",
        str(workspace / "policies"),
        "--format",
        "github",
    )

    assert result.code == 1
    assert "::error file=" in result.stdout and "closed-won.yaml,line=4" in result.stdout


def test_policy_check_needs_a_policy_directory(tmp_path: Path) -> None:
    missing = invoke("policy", "check", "--policies", str(tmp_path / "nope"))

    assert missing.code == 1
    assert "the policy directory" in missing.stderr and "does not exist" in missing.stderr


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["--json", "--markdown"], id="json-markdown"),
        pytest.param(["--json", "--format", "github"], id="json-github"),
        pytest.param(["--format", "sarif"], id="unknown-format"),
    ],
)
def test_output_choices_that_conflict_are_refused(args: list[str], tmp_path: Path) -> None:
    result = invoke("plan", str(tmp_path), *args)

    assert result.code == 1
    assert "--" in result.stderr


def test_colour_follows_the_terminal_and_no_color(workspace: Path) -> None:
    args = ["policy", "check", "specs"]
    coloured = baton_sf(*args, cwd=workspace, env={"FORCE_COLOR": "1"})
    plain = baton_sf(*args, cwd=workspace, env={"FORCE_COLOR": "1", "NO_COLOR": "1"})

    assert "\x1b[" in coloured.stdout
    assert "\x1b[" not in plain.stdout
    assert "warn guardrails/status-history" in plain.stdout


def test_policy_schema_prints_the_schema_that_validates_policies() -> None:
    printed = json.loads(invoke("policy", "schema").stdout)

    assert printed["properties"]["kind"] == {"const": "Policy"}
    assert json.loads(invoke("policy", "schema", "--json").stdout) == printed


def test_help_offers_shell_completion_and_the_review_commands() -> None:
    result = invoke("--help")

    assert "--install-completion" in result.stdout
    for command in ("init", "policy"):
        assert command in result.stdout


@pytest.mark.parametrize(
    "command",
    [["policy", "check"], ["policy", "schema"], ["init"], ["plan"], ["show"], ["validate"]],
    ids=lambda c: " ".join(c),
)
def test_the_review_commands_offer_json(command: list[str]) -> None:
    assert "--json" in invoke(*command, "--help").stdout
