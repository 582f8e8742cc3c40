"""The naive baseline: what a hand-written sync script would do.

`python -m bench.naive --soql SOQL --per-minute 1000` reads the rule's records with
`query_all` and every Baton project, then updates each linked record with one REST call
carrying every mapped field, changed or not. It prints how many updates it sent.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping
from typing import Any, cast

from bench.clients import baton_list, ceiling, run_main, salesforce, session

# Known limit: the naive baseline runs after the reconciler's apply, on the state it left;
# on a first import the projects already exist, so its figures hold no Baton creates.

# Baton status to the Salesforce value the integration writes.
_STATUS = {"draft": "Planning", "planning": "Planning", "doing": "Doing", "done": "Done"}


def mapped_values(project: Mapping[str, Any], baton_url: str) -> dict[str, Any]:
    """The bench spec's sync-back fields of one project, as a script would map them."""
    phase = project.get("phase")
    deadline = project.get("deadline_datetime")
    return {
        "Baton_Project_ID__c": str(project["id"]),
        "Baton_Project_URL__c": f"{baton_url}/projects/{project['id']}",
        "Baton_Status__c": _STATUS.get(str(project.get("status")), project.get("status")),
        "Baton_Phase__c": phase.get("name") if isinstance(phase, Mapping) else None,
        "Baton_Due_Date__c": deadline[:10] if isinstance(deadline, str) else None,
    }


def main(argv: list[str] | None = None) -> int:
    """Read, then write every linked record once; exit 0."""
    parser = argparse.ArgumentParser(prog="python -m bench.naive")
    parser.add_argument("--soql", required=True)
    parser.add_argument("--per-minute", type=int, required=True)
    args = parser.parse_args(argv)

    env = dict(os.environ)
    sf = salesforce(env)
    opportunity = cast(Any, sf).Opportunity
    records = sf.query_all(args.soql)["records"]
    projects = {
        str(project["id"]): project
        for project in baton_list(session(env), env, "projects", ceiling(args.per_minute))
    }
    updates = 0
    for record in records:
        project = projects.get(str(record.get("Baton_Project_ID__c")))
        if project is not None:
            opportunity.update(record["Id"], mapped_values(project, env["BATON_SF_BATON_URL"]))
            updates += 1

    print(json.dumps({"records": len(records), "updates": updates}))
    return 0


if __name__ == "__main__":
    sys.exit(run_main(main))
