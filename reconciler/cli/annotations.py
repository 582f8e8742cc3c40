"""`--format github`: findings as GitHub Actions workflow commands, which the runner shows
as annotations on the pull request's files.

    ::error file=specs/import/closed-won.yaml,line=7,col=3,title=...::message

The message escapes `%`, CR and LF; property values also escape `:` and `,`, as the
Actions toolkit does.
"""

from __future__ import annotations

from typing import Literal

import typer

from reconciler.errors import BatonSfError
from reconciler.policy import Finding
from reconciler.spec import Diagnostic

AnnotationLevel = Literal["error", "warning", "notice"]
FORMATS = ("text", "github")

FormatOption = typer.Option(
    "text", "--format", help="text, or github to print GitHub Actions annotations."
)


def check_format(output_format: str) -> bool:
    """True for github, False for text; anything else is an error naming both."""
    if output_format not in FORMATS:
        raise BatonSfError(
            f"--format {output_format} is not a format baton-sf prints",
            hint="use --format text or --format github",
        )
    return output_format == "github"


def escape_data(text: str) -> str:
    """A message as a workflow command carries it."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value (file, title) as a workflow command carries it."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(
    level: AnnotationLevel,
    message: str,
    *,
    file: str | None = None,
    line: int | None = None,
    col: int | None = None,
    title: str | None = None,
) -> str:
    """One workflow command line; properties that are None are left out."""
    properties = [
        f"{name}={escape_property(str(value))}"
        for name, value in (("file", file), ("line", line), ("col", col), ("title", title))
        if value is not None
    ]
    head = f"::{level} {','.join(properties)}" if properties else f"::{level}"
    return f"{head}::{escape_data(message)}"


def diagnostic_annotation(diagnostic: Diagnostic) -> str:
    """A spec or policy diagnostic at its file, line and column."""
    level: AnnotationLevel = "error" if diagnostic.severity == "error" else "warning"
    message = diagnostic.message + (f" ({diagnostic.hint})" if diagnostic.hint else "")
    return annotation(
        level,
        message,
        file=diagnostic.file,
        line=diagnostic.line,
        col=diagnostic.column,
        title=f"baton-sf {diagnostic.code}",
    )


def finding_annotation(finding: Finding) -> str:
    """A policy finding at the spec element it names, else at the rule that tripped."""
    level: AnnotationLevel = "error" if finding.level == "deny" else "warning"
    element = f" [{finding.element}]" if finding.element else ""
    if finding.file is not None:
        file, line = finding.file, finding.line
    else:
        file, line = finding.policy_file, finding.policy_line
    return annotation(
        level,
        f"{finding.message}{element}",
        file=file,
        line=line,
        title=f"policy {finding.policy}/{finding.rule} ({finding.level})",
    )
