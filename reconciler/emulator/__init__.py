"""The emulator: a local Salesforce org and Baton workspace over HTTPS, backed by SQLite.

It models the two services, not this tool, so it imports nothing from the rest of the
package. Start and stop it with `up` and `down`; `env` gives the variables that point the
reconciler at it.
"""

from .control import EmulatorInfo, down, env, status, up
from .errors import EmulatorError

__all__ = ["EmulatorError", "EmulatorInfo", "down", "env", "status", "up"]
