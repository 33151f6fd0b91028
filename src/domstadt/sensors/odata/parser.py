"""OData $filter / $orderby expressions: a tokenizer and a precedence-climbing parser.

The parser builds an AST (:class:`Literal`, :class:`Path`, :class:`Unary`, :class:`Binary`,
:class:`Call`); ``compiler.py`` turns it into parameterised SQLAlchemy expressions. Every
syntax error is a :class:`FilterError` naming the problem and its position (1-based).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

BINARY_PRECEDENCE = {
    "or": 1,
    "and": 2,
    "eq": 3,
    "ne": 3,
    "gt": 4,
    "ge": 4,
    "lt": 4,
    "le": 4,
    "add": 5,
    "sub": 5,
    "mul": 6,
    "div": 6,
    "divby": 6,
    "mod": 6,
}
MAX_DEPTH = 60
MAX_LENGTH = 4000


class FilterError(ValueError):
    """A query option that cannot be parsed or compiled; ``position`` is 1-based."""

    def __init__(self, message: str, position: int | None = None, option: str = "$filter"):
        where = f" (Position {position})" if position is not None else ""
        super().__init__(f"{option}: {message}{where}")
        self.message = message
        self.position = position
        self.option = option


@dataclass(frozen=True)
class Token:
    """One lexical token: kind is ident, string, number, datetime, time, op (one of ``(),/-``)."""

    kind: str
    text: str
    pos: int


@dataclass(frozen=True)
class Literal:
    """A constant; ``kind`` is string, int, float, bool, null, datetime, date (``2014-02-04``),
    time (``10:30:00``, a time of day) or geography (WKT)."""

    value: Any
    kind: str
    pos: int


@dataclass(frozen=True)
class Path:
    """A property path such as ``name``, ``Datastream/Thing/name``, ``properties/owner``."""

    segments: tuple[str, ...]
    pos: int


@dataclass(frozen=True)
class Unary:
    """``not x`` or ``-x``."""

    op: str
    operand: Node
    pos: int


@dataclass(frozen=True)
class Binary:
    """A logical, comparison or arithmetic operator."""

    op: str
    left: Node
    right: Node
    pos: int


@dataclass(frozen=True)
class Call:
    """A function call such as ``substringof('x', name)``."""

    name: str
    args: tuple[Node, ...]
    pos: int


Node = Literal | Path | Unary | Binary | Call

_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?")
_TIME = re.compile(r"(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,12}))?)?")
_NUMBER = re.compile(r"\d+(\.\d+)?([eE][+-]?\d+)?")
_IDENT = re.compile(r"[A-Za-z_@][A-Za-z0-9_.@-]*")


def _read_string(text: str, start: int) -> tuple[str, int]:
    i = start + 1
    out: list[str] = []
    while i < len(text):
        if text[i] == "'":
            if i + 1 < len(text) and text[i + 1] == "'":
                out.append("'")
                i += 2
                continue
            return "".join(out), i + 1
        out.append(text[i])
        i += 1
    raise FilterError("Zeichenkette ohne schließendes Anführungszeichen", start + 1)


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens; raise FilterError at the first character that fits none."""
    if len(text) > MAX_LENGTH:
        raise FilterError(f"Ausdruck ist länger als {MAX_LENGTH} Zeichen")
    tokens: list[Token] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch in "(),/-":
            tokens.append(Token("op", ch, i + 1))
            i += 1
        elif ch == "'":
            value, end = _read_string(text, i)
            tokens.append(Token("string", value, i + 1))
            i = end
        elif ch.isdigit() and (match := _DATETIME.match(text, i)):
            tokens.append(Token("datetime", match.group(), i + 1))
            i = match.end()
        elif ch.isdigit() and (match := _TIME.match(text, i)):
            tokens.append(Token("time", match.group(), i + 1))
            i = match.end()
        elif ch.isdigit() and (match := _NUMBER.match(text, i)):
            tokens.append(Token("number", match.group(), i + 1))
            i = match.end()
        elif match := _IDENT.match(text, i):
            tokens.append(Token("ident", match.group(), i + 1))
            i = match.end()
        else:
            raise FilterError(f"unerwartetes Zeichen {ch!r}", i + 1)
    return tokens


def parse_datetime(text: str, pos: int) -> dt.datetime:
    """An ISO 8601 literal as an aware datetime (UTC when no offset is given)."""
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise FilterError(f"ungültiges Datum {text!r}", pos) from None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def parse_date(text: str, pos: int) -> dt.date:
    """A date literal ``YYYY-MM-DD``."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise FilterError(f"ungültiges Datum {text!r}", pos) from None


def parse_time(text: str, pos: int) -> dt.time:
    """A time-of-day literal ``hh:mm[:ss[.fffffffff]]`` (digits beyond microseconds dropped)."""
    match = _TIME.fullmatch(text)
    assert match is not None  # the tokenizer matched it
    hour, minute, second, fraction = match.groups()
    micro = int((fraction or "").ljust(6, "0")[:6])
    try:
        return dt.time(int(hour), int(minute), int(second or 0), micro)
    except ValueError:
        raise FilterError(f"ungültige Uhrzeit {text!r}", pos) from None


def _temporal(token: Token) -> Literal:
    """The literal of a datetime, date or time token."""
    if token.kind == "time":
        return Literal(parse_time(token.text, token.pos), "time", token.pos)
    if "T" not in token.text:
        return Literal(parse_date(token.text, token.pos), "date", token.pos)
    return Literal(parse_datetime(token.text, token.pos), "datetime", token.pos)


class Parser:
    """Recursive descent for primaries, precedence climbing for binary operators."""

    def __init__(self, text: str, option: str = "$filter") -> None:
        self.option = option
        try:
            self.tokens = tokenize(text)
        except FilterError as exc:
            raise FilterError(exc.message, exc.position, option) from None
        self.i = 0
        self.depth = 0
        self.end = len(text) + 1

    def error(self, message: str, pos: int | None = None) -> FilterError:
        """A FilterError at ``pos`` (default: the current token)."""
        return FilterError(message, pos if pos is not None else self.pos(), self.option)

    def pos(self) -> int:
        """Position of the current token (end of input when none is left)."""
        return self.tokens[self.i].pos if self.i < len(self.tokens) else self.end

    def peek(self) -> Token | None:
        """The current token without consuming it."""
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> Token:
        """Consume the current token."""
        token = self.peek()
        if token is None:
            raise self.error("Ausdruck endet unerwartet")
        self.i += 1
        return token

    def expect(self, text: str) -> Token:
        """Consume an operator token ``text`` or fail naming it."""
        token = self.peek()
        if token is None or token.kind != "op" or token.text != text:
            found = "das Ende" if token is None else repr(token.text)
            raise self.error(f"{text!r} erwartet, aber {found} gefunden")
        return self.take()

    def at_end(self) -> bool:
        """True when every token was consumed."""
        return self.i >= len(self.tokens)

    def expression(self, min_prec: int = 1) -> Node:
        """Parse operators of precedence ``min_prec`` and above."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error("Ausdruck ist zu tief verschachtelt")
        left = self.unary()
        while (token := self.peek()) is not None and token.kind == "ident":
            op = token.text.lower()
            prec = BINARY_PRECEDENCE.get(op)
            if prec is None or prec < min_prec:
                break
            self.take()
            right = self.expression(prec + 1)
            left = Binary(op, left, right, token.pos)
        self.depth -= 1
        return left

    def unary(self) -> Node:
        """``not`` and unary minus, else a primary."""
        token = self.peek()
        if token is not None and token.kind == "ident" and token.text.lower() == "not":
            self.take()
            return Unary("not", self.expression(3), token.pos)
        if token is not None and token.kind == "op" and token.text == "-":
            self.take()
            operand = self.unary()
            if isinstance(operand, Literal) and operand.kind in {"int", "float"}:
                return Literal(-operand.value, operand.kind, token.pos)
            return Unary("-", operand, token.pos)
        return self.primary()

    def primary(self) -> Node:
        """Parenthesised expression, literal, function call or property path."""
        token = self.take()
        if token.kind == "op" and token.text == "(":
            inner = self.expression()
            self.expect(")")
            return inner
        if token.kind == "string":
            return Literal(token.text, "string", token.pos)
        if token.kind == "number":
            if re.fullmatch(r"\d+", token.text):
                return Literal(int(token.text), "int", token.pos)
            return Literal(float(token.text), "float", token.pos)
        if token.kind in {"datetime", "time"}:
            return _temporal(token)
        if token.kind == "ident":
            return self.identifier(token)
        raise self.error(f"unerwartetes {token.text!r}", token.pos)

    def identifier(self, token: Token) -> Node:
        """Keyword literal, function call or path."""
        word = token.text.lower()
        if word in {"true", "false"}:
            return Literal(word == "true", "bool", token.pos)
        if word == "null":
            return Literal(None, "null", token.pos)
        if word in BINARY_PRECEDENCE:
            raise self.error(f"Operand erwartet, aber Operator {token.text!r} gefunden", token.pos)
        nxt = self.peek()
        if nxt is not None and nxt.kind == "string" and word == "geography":
            self.take()
            return Literal(nxt.text, "geography", token.pos)
        if nxt is not None and nxt.kind == "string":
            raise self.error(f"Literal-Typ {token.text!r} wird nicht unterstützt", token.pos)
        if nxt is not None and nxt.kind == "op" and nxt.text == "(":
            self.take()
            args: list[Node] = []
            if not (self.peek() and self.peek().text == ")"):  # type: ignore[union-attr]
                args.append(self.expression())
                while (sep := self.peek()) is not None and sep.text == ",":
                    self.take()
                    args.append(self.expression())
            self.expect(")")
            return Call(word, tuple(args), token.pos)
        segments = [token.text]
        while (sep := self.peek()) is not None and sep.kind == "op" and sep.text == "/":
            self.take()
            part = self.take()
            if part.kind not in {"ident", "number"}:
                raise self.error("Eigenschaftsname nach '/' erwartet", part.pos)
            segments.append(part.text)
        return Path(tuple(segments), token.pos)


def parse_filter(text: str) -> Node:
    """Parse a whole $filter expression."""
    parser = Parser(text)
    if parser.at_end():
        raise parser.error("leerer Ausdruck", 1)
    node = parser.expression()
    if not parser.at_end():
        raise parser.error(f"unerwartetes {parser.take().text!r} nach dem Ausdruck")
    return node


def parse_orderby(text: str) -> list[tuple[Node, bool]]:
    """Parse ``expr [asc|desc], …`` (any case) into (expression, descending) pairs."""
    parser = Parser(text, "$orderby")
    items: list[tuple[Node, bool]] = []
    while True:
        if parser.at_end():
            raise parser.error("Sortierausdruck erwartet")
        node = parser.expression()
        descending = False
        token = parser.peek()
        if token is not None and token.kind == "ident" and token.text.lower() in {"asc", "desc"}:
            descending = parser.take().text.lower() == "desc"
        items.append((node, descending))
        if parser.at_end():
            return items
        parser.expect(",")
