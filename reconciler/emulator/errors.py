"""The one exception the emulator raises on purpose.

The emulator imports nothing from the rest of the package, so it has its own error class.
Its message is one line that says what happened and what to do.
"""

from __future__ import annotations


class EmulatorError(Exception):
    """The emulator cannot be started, stopped, seeded or read."""
