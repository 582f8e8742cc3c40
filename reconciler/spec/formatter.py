"""`baton-sf fmt`: spec documents in one layout, comments, key order and quoting kept.

Only files whose every document is a baton-sf document (a spec document, or a policy,
which is written the same way) are formatted; other YAML is left as it is. Formatting
twice gives what formatting once gave.
"""

from __future__ import annotations

from reconciler.spec.yaml_rewrite import (
    RewriteError,
    is_baton_sf_document,
    load,
    rewrite_stably,
    same_meaning,
    split_documents,
)


def format_text(text: str, shown: str) -> str | None:
    """`text` formatted, or None when it is not a baton-sf file (left alone). `shown` names the
    file in errors (RewriteError), which a file that is not valid YAML raises."""
    segments = split_documents(text.replace("\r\n", "\n"), shown)
    documents = [segment for segment in segments if segment.document]
    if not documents or not all(is_baton_sf_document(load(s, shown)) for s in documents):
        return None
    parts: list[str] = []
    for segment in segments:
        if not segment.document:
            parts.append(segment.text)
            continue
        formatted = rewrite_stably(segment, shown)
        if not same_meaning(segment.text, formatted):
            raise RewriteError(
                f"{shown}:{segment.line}:1: the document rewritten would say something else, "
                "so it is left as it is",
                hint="move comments away from empty {} or [] values and run again",
            )
        parts.append(formatted)
    return "".join(parts)
