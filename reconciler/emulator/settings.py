"""The org settings a seed may give beside its records: OAuth clients, installed packages,
history-tracked fields, rights taken from the integration user and validation rules.

Each part is shape-checked when the seed is read; `check_settings` then checks the names
against the schema. Every error names the file, the place and the fix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

from .describe import Schema
from .errors import EmulatorError

SETTING_KEYS = (
    "oauth",
    "installedPackages",
    "historyTracked",
    "userPermissions",
    "validationRules",
)
RIGHTS = ("create", "read", "edit", "delete")
HISTORY_LIMIT = 20


@dataclass(frozen=True)
class RefreshToken:
    """A refresh token a client may trade for an access token, and whose session it opens."""

    token: str = field(repr=False)
    username: str | None = None


@dataclass(frozen=True)
class OAuthClient:
    """A connected app: its consumer key, secret, JWT certificate and refresh tokens."""

    client_id: str
    client_secret: str | None = field(default=None, repr=False)
    public_key: RSAPublicKey | None = field(default=None, repr=False)
    refresh_tokens: tuple[RefreshToken, ...] = field(default=(), repr=False)


@dataclass(frozen=True)
class InstalledPackage:
    """A managed package installed in the org."""

    name: str
    namespace: str | None


@dataclass(frozen=True)
class ValidationRule:
    """A rule that refuses a record whose field holds `reject_value`."""

    object: str
    field: str
    reject_value: Any
    message: str


@dataclass(frozen=True)
class OrgSettings:
    """Everything of a seed that is neither schema nor records."""

    clients: tuple[OAuthClient, ...] = ()
    installed_packages: tuple[InstalledPackage, ...] = ()
    history_tracked: dict[str, tuple[str, ...]] = field(default_factory=dict)
    user_permissions: dict[str, dict[str, bool]] = field(default_factory=dict)
    validation_rules: tuple[ValidationRule, ...] = ()

    def client(self, client_id: str) -> OAuthClient | None:
        """Return the client of a consumer key."""
        return next((c for c in self.clients if c.client_id == client_id), None)


def read_settings(data: dict[str, Any], source: str) -> OrgSettings:
    """Shape-check the settings parts of a seed mapping."""
    return OrgSettings(
        clients=_clients(data.get("oauth"), f"{source}: oauth"),
        installed_packages=_packages(data.get("installedPackages"), f"{source}: installedPackages"),
        history_tracked=_names_by_object(data.get("historyTracked"), f"{source}: historyTracked"),
        user_permissions=_rights(data.get("userPermissions"), f"{source}: userPermissions"),
        validation_rules=_rules(data.get("validationRules"), f"{source}: validationRules"),
    )


def _mapping(value: Any, place: str, example: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise EmulatorError(f"{place}: expected a mapping, for example {example}")
    return value


def _list(value: Any, place: str, example: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise EmulatorError(f"{place}: expected a list, for example {example}")
    return value


def _text(entry: dict[str, Any], key: str, place: str, *, required: bool = True) -> str | None:
    value = entry.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value:
        raise EmulatorError(f"{place}.{key}: give a non-empty text value")
    return value


def _clients(part: Any, place: str) -> tuple[OAuthClient, ...]:
    oauth = _mapping(part, place, "{clients: [{clientId: my-app, clientSecret: s3cret}]}")
    unknown = [key for key in oauth if key != "clients"]
    if unknown:
        raise EmulatorError(f"{place}: unknown key {unknown[0]!r}; the only key is clients")
    entries = _list(oauth.get("clients"), f"{place}.clients", "[{clientId: my-app}]")
    clients = []
    for index, entry in enumerate(entries):
        clients.append(_client(entry, f"{place}.clients[{index}]"))
    keys = [client.client_id for client in clients]
    duplicates = sorted({key for key in keys if keys.count(key) > 1})
    if duplicates:
        raise EmulatorError(f"{place}.clients: clientId {duplicates[0]!r} is given twice")
    return tuple(clients)


def _client(entry: Any, place: str) -> OAuthClient:
    allowed = ("clientId", "clientSecret", "certificate", "refreshTokens")
    if not isinstance(entry, dict):
        raise EmulatorError(f"{place}: expected a mapping with {', '.join(allowed)}")
    unknown = [key for key in entry if key not in allowed]
    if unknown:
        raise EmulatorError(f"{place}: unknown key {unknown[0]!r}; use {', '.join(allowed)}")
    client_id = _text(entry, "clientId", place)
    assert client_id is not None
    certificate = _text(entry, "certificate", place, required=False)
    tokens = _list(entry.get("refreshTokens"), f"{place}.refreshTokens", "[token-1]")
    return OAuthClient(
        client_id=client_id,
        client_secret=_text(entry, "clientSecret", place, required=False),
        public_key=_public_key(certificate, f"{place}.certificate") if certificate else None,
        refresh_tokens=tuple(
            _refresh_token(token, f"{place}.refreshTokens[{index}]")
            for index, token in enumerate(tokens)
        ),
    )


def _public_key(pem: str, place: str) -> RSAPublicKey:
    """Read the RSA key of a PEM certificate (or of a bare PEM public key)."""
    data = pem.encode("ascii", errors="replace")
    key: object
    try:
        if b"CERTIFICATE" in data:
            key = x509.load_pem_x509_certificate(data).public_key()
        else:
            key = serialization.load_pem_public_key(data)
    except ValueError as error:
        raise EmulatorError(
            f"{place}: not a PEM certificate ({error}); give the text of the X.509 certificate "
            "uploaded to the connected app, from -----BEGIN CERTIFICATE----- on"
        ) from None
    if not isinstance(key, RSAPublicKey):
        raise EmulatorError(f"{place}: the certificate's key is not RSA; JWT bearer needs RS256")
    return key


def _refresh_token(entry: Any, place: str) -> RefreshToken:
    if isinstance(entry, str) and entry:
        return RefreshToken(entry)
    if isinstance(entry, dict) and set(entry) <= {"token", "username"}:
        token = _text(entry, "token", place)
        assert token is not None
        return RefreshToken(token, _text(entry, "username", place, required=False))
    raise EmulatorError(
        f"{place}: give a refresh token as text, or as {{token: ..., username: ...}} to open a "
        "session of another user than the integration user"
    )


def _packages(part: Any, place: str) -> tuple[InstalledPackage, ...]:
    packages = []
    for index, entry in enumerate(_list(part, place, "[{name: Baton, namespace: baton}]")):
        where = f"{place}[{index}]"
        if not isinstance(entry, dict) or not set(entry) <= {"name", "namespace"}:
            raise EmulatorError(f"{where}: expected a mapping with name and namespace")
        name = _text(entry, "name", where)
        assert name is not None
        packages.append(InstalledPackage(name, _text(entry, "namespace", where, required=False)))
    return tuple(packages)


def _names_by_object(part: Any, place: str) -> dict[str, tuple[str, ...]]:
    checked: dict[str, tuple[str, ...]] = {}
    for name, fields in _mapping(part, place, "{Opportunity: [StageName, Amount]}").items():
        entries = _list(fields, f"{place}.{name}", "[StageName, Amount]")
        if not all(isinstance(entry, str) for entry in entries):
            raise EmulatorError(f"{place}.{name}: expected a list of field names")
        checked[str(name)] = tuple(entries)
    return checked


def _rights(part: Any, place: str) -> dict[str, dict[str, bool]]:
    checked: dict[str, dict[str, bool]] = {}
    for name, rights in _mapping(part, place, "{PushTopic: {create: false}}").items():
        where = f"{place}.{name}"
        entries = _mapping(rights, where, "{create: false, delete: false}")
        for right, allowed in entries.items():
            if right not in RIGHTS:
                raise EmulatorError(f"{where}: unknown right {right!r}; use {', '.join(RIGHTS)}")
            if not isinstance(allowed, bool):
                raise EmulatorError(f"{where}.{right}: give true or false")
        checked[str(name)] = dict(entries)
    return checked


def _rules(part: Any, place: str) -> tuple[ValidationRule, ...]:
    keys = ("object", "field", "rejectValue", "message")
    rules = []
    example = "[{object: Opportunity, field: Name, rejectValue: Bad, message: Not allowed}]"
    for index, entry in enumerate(_list(part, place, example)):
        where = f"{place}[{index}]"
        if not isinstance(entry, dict) or set(entry) != set(keys):
            raise EmulatorError(f"{where}: expected a mapping with exactly {', '.join(keys)}")
        object_name = _text(entry, "object", where)
        field_name = _text(entry, "field", where)
        message = _text(entry, "message", where)
        assert object_name is not None and field_name is not None and message is not None
        rules.append(ValidationRule(object_name, field_name, entry["rejectValue"], message))
    return tuple(rules)


def check_settings(settings: OrgSettings, schema: Schema, source: str) -> None:
    """Check that the settings name objects and fields of the schema."""
    for object_name, names in settings.history_tracked.items():
        place = f"{source}: historyTracked.{object_name}"
        for name in names:
            _require_field(schema, object_name, name, place)
        if len(set(name.lower() for name in names)) > HISTORY_LIMIT:
            raise EmulatorError(
                f"{place}: {len(names)} fields; an object can track up to {HISTORY_LIMIT} "
                "fields, so remove some"
            )
    for object_name in settings.user_permissions:
        _require_object(schema, object_name, f"{source}: userPermissions.{object_name}")
    for index, rule in enumerate(settings.validation_rules):
        place = f"{source}: validationRules[{index}]"
        _require_field(schema, rule.object, rule.field, place)


def _require_object(schema: Schema, object_name: str, place: str) -> None:
    if schema.get(object_name) is None:
        names = ", ".join(sorted(s.name for s in schema.objects.values()))
        raise EmulatorError(
            f"{place}: no object {object_name} in this org (objects: {names}); fix the name"
        )


def _require_field(schema: Schema, object_name: str, field_name: str, place: str) -> None:
    _require_object(schema, object_name, place)
    sobject = schema.get(object_name)
    assert sobject is not None
    if not sobject.has_field(field_name):
        raise EmulatorError(
            f"{place}: {sobject.name} has no field {field_name}; check the name against its "
            "describe"
        )
