"""The org's daily API allowance, recorded in the plan so that a policy can weigh the plan's
API estimate against what is left today.

Salesforce reports usage on every REST response (`Sforce-Limit-Info: api-usage=USED/MAX`),
and simple-salesforce keeps the latest report; the reads that made the plan leave it
current, so recording it costs no request.
"""

from __future__ import annotations

from typing import Any

from reconciler.plan.model import DailyApiRequests, Plan
from reconciler.salesforce.client import SalesforceClient


def daily_api_requests(client: SalesforceClient) -> DailyApiRequests | None:
    """The allowance as the last Salesforce response reported it; None when none did."""
    # Known limit: with no Sforce-Limit-Info header on any response, the plan records no
    # allowance and the API budget policy does not judge it.
    usage: Any = getattr(client.sf, "api_usage", None) or {}
    report = usage.get("api-usage") if isinstance(usage, dict) else None
    used = getattr(report, "used", None)
    total = getattr(report, "total", None)
    if not isinstance(used, int) or not isinstance(total, int):
        return None
    return DailyApiRequests(max=total, remaining=max(total - used, 0))


def with_api_allowance(plan: Plan, allowance: DailyApiRequests | None) -> Plan:
    """The plan with the org's allowance recorded under targets.salesforce."""
    if allowance is None:
        return plan
    salesforce = plan.targets.salesforce.model_copy(update={"daily_api_requests": allowance})
    targets = plan.targets.model_copy(update={"salesforce": salesforce})
    return plan.model_copy(update={"targets": targets})
