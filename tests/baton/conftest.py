"""Fixtures of the Baton tests."""

from tests.baton.support import in_process

__all__ = ["in_process"]
