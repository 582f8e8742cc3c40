"""Keeping the Baton API key out of every message, log line and exception.

Baton takes its API key as the `api_key` query parameter, so every URL of a request holds
it. URLs are redacted before they reach a message; the HTTP library's own debug lines
(which print the request line with its query string) pass through a logging filter that
does the same.
"""

from __future__ import annotations

import logging
import re
import threading

_KEY_PATTERN = re.compile(r"(api_key=)[^&#\s'\"]*", re.IGNORECASE)
_MASK = "***"

# The loggers of the HTTP stack that write request lines or URLs.
_HTTP_LOGGERS = (
    "urllib3",
    "urllib3.connectionpool",
    "urllib3.poolmanager",
    "urllib3.util.retry",
    "urllib3.response",
    "requests",
)

_secrets: set[str] = set()
_lock = threading.Lock()


def redact(text: str) -> str:
    """Text with every `api_key=...` value, and every registered secret, masked."""
    masked = _KEY_PATTERN.sub(r"\1" + _MASK, text)
    with _lock:
        known = sorted(_secrets, key=len, reverse=True)
    for secret in known:
        masked = masked.replace(secret, _MASK)
    return masked


def register_secret(secret: str) -> None:
    """Mask `secret` wherever it appears in redacted text, and in the HTTP stack's logs.

    Short values are not registered: masking every occurrence of a three-letter word would
    garble messages without protecting anything.
    """
    if len(secret) >= 6:
        with _lock:
            _secrets.add(secret)
    _install_filter()


class RedactingFilter(logging.Filter):
    """Rewrites a log record's message with :func:`redact` before any handler sees it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = redact(message)
        if masked != message:
            record.msg = masked
            record.args = None
        return True


_FILTER = RedactingFilter()


def _install_filter() -> None:
    for name in _HTTP_LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
