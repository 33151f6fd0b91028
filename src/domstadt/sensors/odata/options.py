"""Query options ($top, $skip, $count, $orderby, $select, $filter, $expand, $skiptoken).

Top-level options come from the URL; nested ones (inside ``$expand=Datastreams($top=1;…)``)
are separated by semicolons. Only the syntax is checked here; names are checked against the
entity registry when the query runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from domstadt.sensors.odata.parser import FilterError

DEFAULT_TOP = 100
MAX_TOP = 10_000
KNOWN = {
    "$top",
    "$skip",
    "$count",
    "$orderby",
    "$select",
    "$filter",
    "$expand",
    "$skiptoken",
    "$resultformat",
}
RESULT_FORMATS = {"dataarray": "dataArray"}
TEXT_OPTIONS = {"$orderby": "orderby", "$filter": "filter", "$skiptoken": "skiptoken"}


@dataclass
class ExpandItem:
    """One expanded navigation property with its own nested options."""

    nav: str
    options: QueryOptions


@dataclass
class QueryOptions:
    """Parsed options of one level of a request."""

    top: int | None = None
    skip: int = 0
    count: bool = False
    orderby: str | None = None
    select: list[str] | None = None
    filter: str | None = None
    expand: list[ExpandItem] = field(default_factory=list)
    skiptoken: str | None = None
    result_format: str | None = None

    @property
    def page_size(self) -> int:
        """$top, or the server's page limit."""
        return DEFAULT_TOP if self.top is None else self.top


def _int_option(name: str, value: str, maximum: int | None = None) -> int:
    try:
        number = int(value)
    except ValueError:
        raise FilterError(f"{value!r} ist keine ganze Zahl", option=name) from None
    if number < 0:
        raise FilterError("darf nicht negativ sein", option=name)
    return min(number, maximum) if maximum is not None else number


def _split_top_level(text: str, separator: str, option: str) -> list[str]:
    """Split at ``separator`` outside parentheses and quotes."""
    parts: list[str] = []
    depth, start, quoted = 0, 0, False
    for i, ch in enumerate(text):
        if ch == "'":
            quoted = not quoted
        elif quoted:
            continue
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                raise FilterError("')' ohne '('", i + 1, option)
        elif ch == separator and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    if depth != 0 or quoted:
        raise FilterError("Klammer oder Anführungszeichen nicht geschlossen", len(text), option)
    parts.append(text[start:])
    return [p.strip() for p in parts]


def _expand_item(text: str) -> ExpandItem:
    name, paren, rest = text.partition("(")
    nested = QueryOptions()
    if paren:
        if not rest.endswith(")"):
            raise FilterError(f"{text!r}: ')' am Ende erwartet", option="$expand")
        pairs = []
        for part in _split_top_level(rest[:-1], ";", "$expand"):
            if part:
                key, eq, value = part.partition("=")
                if not eq:
                    raise FilterError(f"{part!r}: '=' erwartet", option="$expand")
                pairs.append((key.strip(), value))
        nested = parse_options(pairs)
    segments = [s.strip() for s in name.split("/")]
    if not all(segments):
        raise FilterError(f"leerer Name in {text!r}", option="$expand")
    item = ExpandItem(segments[-1], nested)
    for segment in reversed(segments[:-1]):
        item = ExpandItem(segment, QueryOptions(expand=[item]))
    return item


def _merge(items: list[ExpandItem]) -> list[ExpandItem]:
    """``A/B,A/C`` expand A once with both B and C."""
    merged: dict[str, ExpandItem] = {}
    for item in items:
        if item.nav in merged:
            merged[item.nav].options.expand = _merge(
                merged[item.nav].options.expand + item.options.expand
            )
        else:
            merged[item.nav] = item
    return list(merged.values())


def _set_int(opts: QueryOptions, key: str, value: str) -> None:
    if key == "$top":
        opts.top = _int_option("$top", value, MAX_TOP)
    else:
        opts.skip = _int_option("$skip", value)


def _result_format(value: str) -> str:
    found = RESULT_FORMATS.get(value.strip().lower())
    if found is None:
        raise FilterError(
            f"{value!r} wird nicht unterstützt (nur dataArray)", option="$resultFormat"
        )
    return found


def parse_options(pairs: list[tuple[str, str]]) -> QueryOptions:
    """Options from (name, value) pairs; unknown $-options are refused by name."""
    opts = QueryOptions()
    for raw_key, value in pairs:
        key = raw_key.strip().lower()
        if not key.startswith("$"):
            continue
        if key not in KNOWN:
            raise FilterError(f"unbekannte Abfrageoption {raw_key!r}", option=raw_key)
        if key in {"$top", "$skip"}:
            _set_int(opts, key, value)
        elif key == "$count":
            if value.lower() not in {"true", "false"}:
                raise FilterError("true oder false erwartet", option="$count")
            opts.count = value.lower() == "true"
        elif key in TEXT_OPTIONS:
            setattr(opts, TEXT_OPTIONS[key], value)
        elif key == "$resultformat":
            opts.result_format = _result_format(value)
        elif key == "$select":
            opts.select = [s.strip() for s in value.split(",") if s.strip()]
        elif key == "$expand":
            opts.expand = _merge(
                [_expand_item(p) for p in _split_top_level(value, ",", "$expand") if p]
            )
    return opts
