"""`baton-sf init`: a new spec repository, ready to validate, plan and review in CI."""

from reconciler.scaffold.init import FILES, ScaffoldError, scaffold, template_text

__all__ = ["FILES", "ScaffoldError", "scaffold", "template_text"]
