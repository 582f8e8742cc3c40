"""Where baton-sf keeps its local files: `.baton-sf/` in the current directory, or
`$BATON_SF_HOME`."""

from __future__ import annotations

import os
from pathlib import Path


def home() -> Path:
    """The directory for the journal and the apply lock, created on first use."""
    configured = os.environ.get("BATON_SF_HOME")
    path = Path(configured) if configured else Path.cwd() / ".baton-sf"
    path.mkdir(parents=True, exist_ok=True)
    return path
