"""Access tokens and the users they act for.

The token made at start belongs to the integration user; the OAuth endpoint issues more,
for the user its grant names. Every token works on the whole API alike.
"""

from __future__ import annotations

import secrets
import threading

from .builtin import ORGANIZATION_ID


class Sessions:
    """Maps access tokens to user IDs."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._users: dict[str, str] = {}

    def add(self, token: str, user_id: str) -> None:
        """Let a token act for a user."""
        with self._lock:
            self._users[token] = user_id

    def issue(self, user_id: str) -> str:
        """Return a new access token for a user, shaped like Salesforce's (org ID, '!')."""
        token = f"{ORGANIZATION_ID[:15]}!{secrets.token_urlsafe(48)}"
        self.add(token, user_id)
        return token

    def user_of(self, token: str) -> str | None:
        """Return the user a token acts for, or None for an unknown token."""
        with self._lock:
            return self._users.get(token)
