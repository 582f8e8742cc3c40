"""A parser for the subset of SOQL the emulator answers.

SELECT of fields and parent paths (or COUNT()), FROM one object, WHERE with AND, OR, NOT
and parentheses, ORDER BY, LIMIT and OFFSET. Like Salesforce, it refuses AND and OR mixed
at one level without parentheses, and escapes other than SOQL's own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from .timefmt import parse_datetime

LiteralKind = Literal["string", "number", "date", "datetime", "boolean", "null"]

_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:\d{2})")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?![\w:])")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?![\w])")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_OPERATORS = ("!=", "<>", "<=", ">=", "=", "<", ">")
_ESCAPES = {"'": "'", '"': '"', "\\": "\\", "n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f"}
# Known limit: GROUP BY, HAVING, aggregates other than COUNT(), subqueries, semi-joins,
# TYPEOF, INCLUDES/EXCLUDES and date literals such as TODAY or LAST_N_DAYS:n are refused as
# MALFORMED_QUERY, although Salesforce answers them.
_UNSUPPORTED = {"GROUP", "HAVING", "WITH", "FOR", "USING", "TYPEOF", "INCLUDES", "EXCLUDES"}


class SoqlError(Exception):
    """A query Salesforce would refuse; `code` is its errorCode."""

    def __init__(self, code: str, message: str, query: str, position: int | None) -> None:
        self.code = code
        self.detail = message
        super().__init__(_with_location(message, query, position))
        self.message = str(self)


def _with_location(message: str, query: str, position: int | None) -> str:
    """Format a message the way Salesforce does: the line, a caret, row and column."""
    if position is None:
        return message
    before = query[:position]
    row = before.count("\n") + 1
    line_start = before.rfind("\n") + 1
    column = position - line_start + 1
    line = query.split("\n")[row - 1]
    caret = " " * (column - 1) + "^"
    return f"\n{line}\n{caret}\nERROR at Row:{row}:Column:{column}\n{message}"


@dataclass(frozen=True)
class Token:
    """One lexical token; `like` is set for strings: the value as an SQL LIKE pattern."""

    kind: Literal["ident", "string", "number", "date", "datetime", "op", "punct", "end"]
    text: str
    position: int
    value: Any = None
    like: str | None = None
    like_escapes: bool = False


@dataclass(frozen=True)
class FieldRef:
    """A field or a parent path such as Account.Owner.Name."""

    path: tuple[str, ...]
    position: int

    @property
    def dotted(self) -> str:
        return ".".join(self.path)


@dataclass(frozen=True)
class Value:
    """A literal of a condition."""

    kind: LiteralKind
    value: Any
    position: int
    like: str | None = None
    like_escapes: bool = False


@dataclass(frozen=True)
class Comparison:
    """`field op value`, `field [NOT] IN (values)` or `field LIKE value`."""

    field: FieldRef
    operator: str
    values: tuple[Value, ...]
    position: int


@dataclass(frozen=True)
class Junction:
    """Conditions joined by one AND or OR."""

    operator: Literal["AND", "OR"]
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class Negation:
    """NOT condition."""

    item: Condition


Condition = Comparison | Junction | Negation


@dataclass(frozen=True)
class OrderItem:
    """One ORDER BY key."""

    field: FieldRef
    descending: bool
    nulls_last: bool | None


@dataclass(frozen=True)
class Query:
    """A parsed SELECT."""

    text: str
    fields: tuple[FieldRef, ...]
    count_only: bool
    sobject: str
    sobject_position: int
    where: Condition | None
    order_by: tuple[OrderItem, ...]
    limit: int | None
    offset: int | None


def tokenize(text: str) -> list[Token]:
    """Split a query into tokens."""
    tokens: list[Token] = []
    position = 0
    while position < len(text):
        char = text[position]
        if char.isspace():
            position += 1
            continue
        token = _next_token(text, position)
        tokens.append(token)
        position = token.position + len(token.text)
    tokens.append(Token("end", "", len(text)))
    return tokens


def _next_token(text: str, position: int) -> Token:
    char = text[position]
    if char == "'":
        return _string_token(text, position)
    for pattern, kind in ((_DATETIME, "datetime"), (_DATE, "date"), (_NUMBER, "number")):
        match = pattern.match(text, position)
        if match:
            return _literal_token(kind, match.group(), text, position)
    match = _IDENT.match(text, position)
    if match:
        return Token("ident", match.group(), position)
    for operator in _OPERATORS:
        if text.startswith(operator, position):
            return Token("op", operator, position)
    if char in "(),.":
        return Token("punct", char, position)
    raise SoqlError("MALFORMED_QUERY", f"unexpected token: '{char}'", text, position)


def _literal_token(kind: str, raw: str, text: str, position: int) -> Token:
    if kind == "number":
        return Token("number", raw, position, value=float(raw) if "." in raw else int(raw))
    try:
        if kind == "date":
            return Token("date", raw, position, value=date.fromisoformat(raw))
        return Token("datetime", raw, position, value=parse_datetime(raw))
    except ValueError:
        raise SoqlError("MALFORMED_QUERY", f"invalid date: {raw}", text, position) from None


def _string_token(text: str, start: int) -> Token:
    """Read a quoted string, decoding SOQL escapes, and build its LIKE pattern alongside."""
    value: list[str] = []
    like: list[str] = []
    like_escapes = False
    position = start + 1
    while position < len(text):
        char = text[position]
        if char == "'":
            raw = text[start : position + 1]
            return Token("string", raw, start, "".join(value), "".join(like), like_escapes)
        if char != "\\":
            value.append(char)
            like.append(char)
            position += 1
            continue
        decoded, width, like_part = _escape(text, position)
        like_escapes = like_escapes or decoded in ("%", "_")
        value.append(decoded)
        like.append(like_part)
        position += width
    raise SoqlError("MALFORMED_QUERY", "unterminated string literal", text, start)


def _escape(text: str, position: int) -> tuple[str, int, str]:
    """Decode the escape at `position`: (character, width, its form in a LIKE pattern)."""
    code = text[position + 1 : position + 2]
    if code in _ESCAPES:
        decoded = _ESCAPES[code]
        return decoded, 2, "\\\\" if decoded == "\\" else decoded
    if code in ("%", "_"):
        return code, 2, "\\" + code
    if code == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", text[position + 2 : position + 6]):
        decoded = chr(int(text[position + 2 : position + 6], 16))
        return decoded, 6, decoded
    raise SoqlError(
        "MALFORMED_QUERY",
        "Invalid string literal. Illegal escape sequence: \\" + code,
        text,
        position,
    )


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.index = 0

    @property
    def token(self) -> Token:
        return self.tokens[self.index]

    def error(self, token: Token | None = None, message: str | None = None) -> SoqlError:
        token = token or self.token
        shown = token.text or "<EOF>"
        return SoqlError(
            "MALFORMED_QUERY", message or f"unexpected token: '{shown}'", self.text, token.position
        )

    def is_keyword(self, *words: str) -> bool:
        return self.token.kind == "ident" and self.token.text.upper() in words

    def keyword(self, word: str) -> Token:
        if not self.is_keyword(word):
            raise self.error()
        return self.advance()

    def punct(self, char: str) -> bool:
        if self.token.kind == "punct" and self.token.text == char:
            self.advance()
            return True
        return False

    def expect_punct(self, char: str) -> None:
        if not self.punct(char):
            raise self.error()

    def at_end(self) -> bool:
        return self.tokens[self.index].kind == "end"

    def advance(self) -> Token:
        token = self.token
        self.index += 1
        return token

    def parse(self) -> Query:
        self.keyword("SELECT")
        fields, count_only = self.select_list()
        self.keyword("FROM")
        if self.token.kind != "ident":
            raise self.error()
        sobject = self.advance()
        where = self.clause_where()
        order_by = self.clause_order_by()
        limit = self.clause_number("LIMIT")
        offset = self.clause_number("OFFSET")
        if not self.at_end():
            raise self.unsupported_or_error()
        return Query(
            self.text,
            fields,
            count_only,
            sobject.text,
            sobject.position,
            where,
            order_by,
            limit,
            offset,
        )

    def unsupported_or_error(self) -> SoqlError:
        if self.is_keyword(*_UNSUPPORTED):
            return self.error(
                message=f"unexpected token: '{self.token.text}' (the emulator does not "
                "answer this part of SOQL)"
            )
        return self.error()

    def select_list(self) -> tuple[tuple[FieldRef, ...], bool]:
        if self.is_keyword("COUNT") and self.tokens[self.index + 1].text == "(":
            self.advance()
            self.expect_punct("(")
            self.expect_punct(")")
            return (), True
        fields = [self.field_ref()]
        while self.punct(","):
            fields.append(self.field_ref())
        seen: set[str] = set()
        for field in fields:
            if field.dotted.lower() in seen:
                raise SoqlError(
                    "MALFORMED_QUERY",
                    f"duplicate field selected: {field.dotted}",
                    self.text,
                    field.position,
                )
            seen.add(field.dotted.lower())
        return tuple(fields), False

    def field_ref(self) -> FieldRef:
        if self.token.kind != "ident" or self.is_keyword("FROM", "SELECT"):
            if self.token.text == "(":
                raise self.error(
                    message="unexpected token: '(' (the emulator does not answer subqueries)"
                )
            raise self.error()
        first = self.advance()
        path = [first.text]
        while self.punct("."):
            if self.token.kind != "ident":
                raise self.error()
            path.append(self.advance().text)
        return FieldRef(tuple(path), first.position)

    def clause_where(self) -> Condition | None:
        if not self.is_keyword("WHERE"):
            return None
        self.advance()
        return self.condition()

    def condition(self) -> Condition:
        items = [self.operand()]
        operator: str | None = None
        while self.is_keyword("AND", "OR"):
            token = self.token
            if operator is not None and token.text.upper() != operator:
                raise self.error(token)
            operator = token.text.upper()
            self.advance()
            items.append(self.operand())
        if operator is None:
            return items[0]
        return Junction("AND" if operator == "AND" else "OR", tuple(items))

    def operand(self) -> Condition:
        if self.is_keyword("NOT"):
            self.advance()
            return Negation(self.operand())
        if self.punct("("):
            inner = self.condition()
            self.expect_punct(")")
            return inner
        return self.comparison()

    def comparison(self) -> Comparison:
        field = self.field_ref()
        token = self.token
        if token.kind == "op":
            self.advance()
            operator = "!=" if token.text == "<>" else token.text
            return Comparison(field, operator, (self.value(),), token.position)
        if self.is_keyword("LIKE"):
            self.advance()
            return Comparison(field, "LIKE", (self.value(),), token.position)
        if self.is_keyword("NOT") and self.tokens[self.index + 1].text.upper() == "IN":
            self.advance()
            self.advance()
            return Comparison(field, "NOT IN", self.value_list(), token.position)
        if self.is_keyword("IN"):
            self.advance()
            return Comparison(field, "IN", self.value_list(), token.position)
        raise self.unsupported_or_error()

    def value_list(self) -> tuple[Value, ...]:
        self.expect_punct("(")
        if self.token.kind == "ident" and self.is_keyword("SELECT"):
            raise self.error(
                message="unexpected token: 'SELECT' (the emulator does not answer semi-joins)"
            )
        values = [self.value()]
        while self.punct(","):
            values.append(self.value())
        self.expect_punct(")")
        return tuple(values)

    def value(self) -> Value:
        token = self.token
        if token.kind == "string":
            self.advance()
            return Value("string", token.value, token.position, token.like, token.like_escapes)
        if token.kind in ("number", "date", "datetime"):
            self.advance()
            return Value(token.kind, token.value, token.position)
        if self.is_keyword("TRUE", "FALSE"):
            self.advance()
            return Value("boolean", token.text.upper() == "TRUE", token.position)
        if self.is_keyword("NULL"):
            self.advance()
            return Value("null", None, token.position)
        raise self.error()

    def clause_order_by(self) -> tuple[OrderItem, ...]:
        if not self.is_keyword("ORDER"):
            return ()
        self.advance()
        self.keyword("BY")
        items = [self.order_item()]
        while self.punct(","):
            items.append(self.order_item())
        return tuple(items)

    def order_item(self) -> OrderItem:
        field = self.field_ref()
        descending = False
        if self.is_keyword("ASC", "DESC"):
            descending = self.advance().text.upper() == "DESC"
        nulls_last: bool | None = None
        if self.is_keyword("NULLS"):
            self.advance()
            if not self.is_keyword("FIRST", "LAST"):
                raise self.error()
            nulls_last = self.advance().text.upper() == "LAST"
        return OrderItem(field, descending, nulls_last)

    def clause_number(self, word: str) -> int | None:
        if not self.is_keyword(word):
            return None
        self.advance()
        token = self.token
        if token.kind != "number" or not isinstance(token.value, int) or token.value < 0:
            raise self.error()
        self.advance()
        return int(token.value)


def parse(text: str) -> Query:
    """Parse a SOQL query, raising SoqlError with Salesforce's code and message."""
    return _Parser(text).parse()
