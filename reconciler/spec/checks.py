"""Rules that span documents: one Connection, SyncBacks that name real rules and the right
object, link fields that stay apart, and history tracking within Salesforce's limit."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from reconciler.spec.diagnostics import DiagnosticLog, Location, suggestion
from reconciler.spec.documents import Document
from reconciler.spec.import_rule import ImportRule
from reconciler.spec.parse_sync_back import MAX_TRACKED
from reconciler.spec.sync_back import LINK_KEY, SyncBack
from reconciler.spec.yamltree import YMap, YScalar, locate, locate_value


@dataclass(frozen=True)
class Parsed:
    """The documents that were read into models, each with its model."""

    connections: tuple[Document, ...]
    rules: tuple[tuple[Document, ImportRule], ...]
    syncs: tuple[tuple[Document, SyncBack], ...]
    rule_names: frozenset[str]
    """Every ImportRule document's name, including rules that have errors."""


@dataclass(frozen=True)
class _Write:
    """One Salesforce field one SyncBack writes."""

    doc: Document
    sync: SyncBack
    field: str
    key: str

    @property
    def loc(self) -> Location:
        return locate(self.doc.tree, "spec", "fields", self.field)

    def same_records(self, other: _Write) -> bool:
        """True when both write the same records: same rule, same way to the target."""
        via = (self.sync.target.via or "").lower()
        return self.sync.rule == other.sync.rule and via == (other.sync.target.via or "").lower()


def check_all(parsed: Parsed, log: DiagnosticLog, where: str, complete: bool) -> None:
    """Every cross-document rule. Checks that a document is missing are skipped when a file
    could not be read (`complete` False), since the document may be in that file."""
    check_connections(parsed, log, where, complete)
    rules = {rule.name: rule for _, rule in parsed.rules}
    check_rule_references(parsed, rules, log, complete)
    known = tuple((doc, sync) for doc, sync in parsed.syncs if sync.rule in rules)
    check_shared_fields(known, log)
    check_link_fields(known, log)
    check_history(known, log)
    check_refresh_token_policy(parsed, log)


def check_connections(parsed: Parsed, log: DiagnosticLog, where: str, complete: bool) -> None:
    if not parsed.connections and complete:
        log.error(
            "no-connection",
            f"the spec in {where} has no Connection document",
            Location(file=where, line=1, column=1),
            hint="add a file with kind: Connection (see SPEC.md, Connection)",
        )
    for extra in parsed.connections[1:]:
        first = parsed.connections[0]
        log.error(
            "several-connections",
            f"a second Connection, '{extra.name}'; a spec has exactly one",
            locate(extra.tree, "kind"),
            hint=f"keep one of this and '{first.name}' ({first.name_loc})",
        )


def check_rule_references(
    parsed: Parsed, rules: Mapping[str, ImportRule], log: DiagnosticLog, complete: bool
) -> None:
    """Each SyncBack names an existing rule, and writes its object unless it goes `via`."""
    for doc, sync in parsed.syncs:
        rule = rules.get(sync.rule)
        if sync.rule not in parsed.rule_names and complete:
            log.error(
                "unknown-rule",
                f"SyncBack '{sync.name}' names rule '{sync.rule}', which does not exist",
                locate_value(doc.tree, "spec", "rule"),
                hint=suggestion(sync.rule, parsed.rule_names, "rules"),
            )
        elif (
            rule is not None
            and sync.target.via is None
            and not _same(sync.target.object, rule.object)
        ):
            log.error(
                "target-object-mismatch",
                f"SyncBack '{sync.name}' writes {sync.target.object}, but rule '{rule.name}' "
                f"imports {rule.object}",
                locate_value(doc.tree, "spec", "target", "object"),
                hint=f"set object: {rule.object}, or add via: <lookup field> to write a "
                "related record",
            )


def _same(a: str, b: str) -> bool:
    return a.lower() == b.lower()


def check_shared_fields(syncs: Sequence[tuple[Document, SyncBack]], log: DiagnosticLog) -> None:
    """No two SyncBacks of a rule write one field; no rule writes another rule's link field;
    rules that share a non-link field are warned (the last write wins)."""
    writes: dict[tuple[str, str], list[_Write]] = defaultdict(list)
    for doc, sync in syncs:
        for field, key in sync.fields.items():
            writes[(sync.target.object.lower(), field.lower())].append(
                _Write(doc, sync, field, key)
            )
    for group in writes.values():
        for index, later in enumerate(group[1:], start=1):
            _check_write(later, group[:index], log)


def _check_write(later: _Write, earlier: list[_Write], log: DiagnosticLog) -> None:
    target = f"{later.sync.target.object}.{later.field}"
    same = [w for w in earlier if w.same_records(later)]
    if same:
        log.error(
            "duplicate-target-field",
            f"{target} is written twice for the projects of rule '{later.sync.rule}'",
            later.loc,
            hint=f"keep one of this and the mapping at {same[0].loc}",
        )
        return
    others = [w for w in earlier if w.sync.rule != later.sync.rule]
    links = [
        w
        for w in others
        if w.sync.target.via is None
        and later.sync.target.via is None
        and LINK_KEY in (w.key, later.key)
    ]
    if links:
        log.error(
            "shared-link-field",
            f"rules '{links[0].sync.rule}' and '{later.sync.rule}' both write {target}, which "
            "links a record to its project",
            later.loc,
            hint="rules that import the same object must link through different fields",
        )
    elif others:
        log.warning(
            "shared-target-field",
            f"rules '{others[0].sync.rule}' and '{later.sync.rule}' both write {target}",
            later.loc,
            hint="the last write wins; map one of them to another field",
        )


def check_link_fields(syncs: Sequence[tuple[Document, SyncBack]], log: DiagnosticLog) -> None:
    """A rule's projects link through one field; a second one is warned."""
    seen: dict[str, str] = {}
    for doc, sync in syncs:
        field = sync.link_field()
        if field is None:
            continue
        first = seen.setdefault(sync.rule, field)
        if first.lower() != field.lower():
            log.warning(
                "several-link-fields",
                f"rule '{sync.rule}' links through both {first} and {field}",
                locate(doc.tree, "spec", "fields", field),
                hint="fill projectId into one field of the imported record",
            )


def check_history(syncs: Sequence[tuple[Document, SyncBack]], log: DiagnosticLog) -> None:
    """At most 20 tracked fields per object, counted over every SyncBack that writes it."""
    tracked: dict[str, list[str]] = defaultdict(list)
    reported: set[str] = set()
    for doc, sync in syncs:
        obj = sync.target.object.lower()
        names = tracked[obj]
        names.extend(n.lower() for n in sync.track_history if n.lower() not in names)
        if len(names) > MAX_TRACKED and obj not in reported:
            reported.add(obj)
            log.error(
                "too-many-history-fields",
                f"{sync.target.object} would track the history of {len(names)} fields over its "
                f"SyncBacks; Salesforce tracks at most {MAX_TRACKED} per object",
                locate(doc.tree, "spec", "trackHistory"),
                hint="track the fields whose audit trail matters most",
            )


def check_refresh_token_policy(parsed: Parsed, log: DiagnosticLog) -> None:
    """A refresh token only lasts when the connected app keeps it "valid until revoked"."""
    for doc in parsed.connections:
        method = doc.tree.get("spec")
        for key in ("salesforce", "auth", "method"):
            method = method.get(key) if isinstance(method, YMap) else None
        if isinstance(method, YScalar) and method.value == "refresh-token":
            log.warning(
                "refresh-token-policy",
                "auth method refresh-token stops working once Salesforce expires the token",
                locate_value(doc.tree, "spec", "salesforce", "auth", "method"),
                hint="in Salesforce Setup > Apps > Connected Apps > Manage Connected Apps, edit "
                'the app and set its Refresh Token Policy to "Refresh token is valid until '
                'revoked"',
            )
