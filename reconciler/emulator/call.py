"""One authenticated Salesforce API call: the request, its API version, its path after the
version, and who makes it (with that user's view of the schema).
"""

from __future__ import annotations

from dataclasses import dataclass

from .describe import Schema
from .web import Request


@dataclass(frozen=True)
class Call:
    """What every Salesforce handler needs to answer a request."""

    request: Request
    version: str
    parts: list[str]
    user_id: str
    schema: Schema
