"""`baton-sf init DIR`: a spec repository that validates and is formatted as it is, with the
default policies and two workflows that parse and do what they promise."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import pytest
from ruamel.yaml import YAML

from reconciler.policy import load_policies
from reconciler.policy.json_schema import build_policy_schema
from reconciler.scaffold import FILES, template_text
from reconciler.spec.json_schema import build_overlay_schema, build_schema
from tests.review.review_support import baton_sf, invoke

REPO = Path(__file__).resolve().parents[2]
SCAFFOLD = REPO / "reconciler" / "scaffold" / "files"


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One scaffolded repository, read by the tests below."""
    target = tmp_path_factory.mktemp("init") / "acme-integration"
    result = baton_sf("init", str(target), cwd=target.parent)
    assert result.code == 0, result.output
    return target


def load_yaml(path: Path) -> Any:
    return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))


def step_names(workflow: dict[str, Any], job: str) -> list[str]:
    return [step["name"] for step in workflow["jobs"][job]["steps"]]


def test_init_writes_the_spec_policies_workflows_and_gitignore(repo: Path) -> None:
    written = sorted(str(p.relative_to(repo)) for p in repo.rglob("*") if p.is_file())

    assert written == sorted(
        [
            ".github/workflows/baton-sf-apply.yaml",
            ".github/workflows/baton-sf-plan.yaml",
            ".gitignore",
            "policies/guardrails.yaml",
            "schema/baton-sf-v1-overlay.json",
            "schema/baton-sf-v1.json",
            "specs/connection.yaml",
            "specs/environments/production/connection.yaml",
            "specs/environments/sandbox/connection.yaml",
            "specs/import/closed-won.yaml",
            "specs/sync/opportunity.yaml",
        ]
    )
    assert ".baton-sf/" in (repo / ".gitignore").read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize("env", [None, "sandbox", "production"])
def test_the_scaffolded_spec_validates_as_it_is(repo: Path, env: str | None) -> None:
    args = ["validate", str(repo / "specs"), *(["--env", env] if env else [])]

    result = invoke(*args)

    assert result.code == 0, result.output
    assert "valid (0 error(s), 0 warning(s))" in result.stdout


def test_the_scaffolded_files_are_formatted_and_the_workflows_left_alone(repo: Path) -> None:
    result = invoke("fmt", "--check", *(str(repo / d) for d in ("specs", "policies", ".github")))

    assert result.code == 0, result.output
    assert "0 file(s) would be reformatted, 6 already formatted, 2 not spec files" in result.stdout


def test_the_connection_uses_references_for_every_secret_and_a_sandbox_org(repo: Path) -> None:
    base = load_yaml(repo / "specs" / "connection.yaml")["spec"]
    sandbox = load_yaml(repo / "specs" / "environments" / "sandbox" / "connection.yaml")["spec"]

    assert base["salesforce"]["auth"]["privateKey"] == {"env": "SF_PRIVATE_KEY"}
    assert base["baton"]["apiKey"] == {"env": "BATON_API_KEY"}
    assert sandbox["salesforce"]["auth"]["loginUrl"] == "https://test.salesforce.com"


def test_the_scaffold_passes_its_own_policies(repo: Path) -> None:
    result = invoke(
        "policy",
        "check",
        str(repo / "specs"),
        "--env",
        "production",
        "--policies",
        str(repo / "policies"),
    )

    assert result.code == 0, result.output
    assert "0 denied, 0 warned" in result.stdout


def test_the_plan_workflow_validates_plans_comments_and_uploads(repo: Path) -> None:
    workflow = load_yaml(repo / ".github" / "workflows" / "baton-sf-plan.yaml")
    steps = {step["name"]: step for step in workflow["jobs"]["plan"]["steps"]}

    assert "pull_request" in workflow["on"]
    assert step_names(workflow, "plan") == [
        "Check out the pull request",
        "Set up Python",
        "Install baton-sf",
        "Validate the spec",
        "Plan",
        "Annotate policy findings",
        "Post the plan as a sticky comment",
        "Upload the saved plan",
        "Fail on a plan error or a policy denial",
    ]
    assert "baton-sf validate specs" in steps["Validate the spec"]["run"]
    assert "--format github" in steps["Validate the spec"]["run"]
    assert "baton-sf plan specs" in steps["Plan"]["run"]
    assert "--out plan.json --markdown > plan.md" in steps["Plan"]["run"]
    sticky = steps["Post the plan as a sticky comment"]["run"]
    assert "<!-- baton-sf-plan -->" in sticky
    assert "--method PATCH" in sticky and "--method POST" in sticky
    upload = steps["Upload the saved plan"]
    assert upload["uses"].startswith("actions/upload-artifact@")
    assert upload["with"] == {"name": "baton-sf-plan", "path": "plan.json", "retention-days": 30}
    assert workflow["permissions"]["pull-requests"] == "write"


def test_the_apply_workflow_applies_the_reviewed_plan_on_merge(repo: Path) -> None:
    workflow = load_yaml(repo / ".github" / "workflows" / "baton-sf-apply.yaml")
    job = workflow["jobs"]["apply"]
    steps = {step["name"]: step for step in job["steps"]}

    assert workflow["on"]["pull_request"]["types"] == ["closed"]
    assert job["if"] == "github.event.pull_request.merged == true"
    download = steps["Download the reviewed plan"]["run"]
    assert "--workflow baton-sf-plan.yaml" in download
    assert "$HEAD_SHA" in download
    assert "--name baton-sf-plan" in download
    assert steps["Apply the reviewed plan"]["run"] == "baton-sf apply plan.json"
    assert workflow["concurrency"]["cancel-in-progress"] is False


def programs(script: str) -> set[str]:
    """The commands a step's shell script runs (the first word of each line, or what an
    assignment runs in `$(...)`)."""
    found = set()
    for line in script.replace("\\\n", " ").splitlines():
        words = line.strip().split()
        if not words:
            continue
        head = words[0]
        if "=$(" in head:
            head = head.split("=$(", 1)[1]
        elif "=" in head:
            continue
        found.add(head)
    return found


def test_the_workflows_do_their_work_with_baton_sf_only(repo: Path) -> None:
    shell = {"if", "fi", "else", "set", "echo", "printf", "exit"}
    for name in ("baton-sf-plan.yaml", "baton-sf-apply.yaml"):
        workflow = load_yaml(repo / ".github" / "workflows" / name)
        steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
        ran = set().union(*(programs(step.get("run", "")) for step in steps))
        used = {step["uses"].split("@")[0] for step in steps if "uses" in step}

        assert ran - shell <= {"pip", "baton-sf", "gh"}, name
        assert "baton-sf" in ran
        assert used <= {"actions/checkout", "actions/setup-python", "actions/upload-artifact"}


def test_init_refuses_to_overwrite_unless_forced(tmp_path: Path) -> None:
    assert invoke("init", str(tmp_path)).code == 0
    (tmp_path / "specs" / "connection.yaml").write_text("# mine\n", encoding="utf-8")

    refused = invoke("init", str(tmp_path))
    kept = (tmp_path / "specs" / "connection.yaml").read_text(encoding="utf-8")
    forced = invoke("init", str(tmp_path), "--force", "--json")

    assert refused.code == 1
    assert "11 file(s) already exist" in refused.stderr
    assert "--force" in refused.stderr
    assert kept == "# mine\n"
    assert forced.code == 0, forced.output
    assert (tmp_path / "specs" / "connection.yaml").read_text(encoding="utf-8") != "# mine\n"


def test_init_into_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("x", encoding="utf-8")

    result = invoke("init", str(tmp_path / "taken"))

    assert result.code == 1
    assert "is not a directory" in result.stderr


def test_the_examples_and_default_policies_are_the_scaffolds_files() -> None:
    for source, dest in FILES.items():
        if source.startswith("workflows/"):
            copy = REPO / "examples" / "github-actions" / Path(dest).name
        elif source.startswith("policies/"):
            copy = REPO / source
        else:
            continue
        assert copy.read_text(encoding="utf-8") == template_text(source), copy


def _documents(path: Path) -> list[Any]:
    return [
        _as_editors_see_it(d)
        for d in YAML(typ="safe", pure=True).load_all(path.read_text(encoding="utf-8"))
    ]


def _as_editors_see_it(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _as_editors_see_it(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_editors_see_it(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


@pytest.mark.parametrize(
    "path", sorted((SCAFFOLD / "specs").rglob("*.yaml")), ids=lambda p: str(p.relative_to(SCAFFOLD))
)
def test_the_json_schema_validates_the_scaffolded_spec_documents(path: Path) -> None:
    overlay = "environments" in path.parts
    validator = jsonschema.Draft202012Validator(
        build_overlay_schema() if overlay else build_schema()
    )

    for document in _documents(path):
        assert [e.message for e in validator.iter_errors(document)] == []


def test_the_policy_schema_validates_the_default_policies_and_refuses_a_typo() -> None:
    validator = jsonschema.Draft202012Validator(build_policy_schema())
    jsonschema.Draft202012Validator.check_schema(build_policy_schema())
    [document] = _documents(REPO / "policies" / "guardrails.yaml")
    typo = {**document, "spec": {**document["spec"], "rulez": []}}

    assert list(validator.iter_errors(document)) == []
    assert list(validator.iter_errors(typo))
    assert load_policies(REPO / "policies")[1] == []
