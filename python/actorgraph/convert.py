"""Python values -> request messages: enums, dates, filters, and JSONL records.

Everything the client sends is built here, so the rules for accepting Python values live in
one place. Invalid values raise :class:`actorgraph.InvalidArgument` naming the argument,
before anything is sent.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import os
from typing import Any, Dict, Iterable, Iterator, Tuple, Union

from . import errors
from .v1 import actorgraph_pb2 as pb

PathLike = Union[str, os.PathLike]


def bad(field: str, problem: str) -> errors.InvalidArgument:
    """An InvalidArgument raised by the client itself (no RPC was made)."""
    return errors.InvalidArgument(f"{field}: {problem}" if field else problem)


def enum_value(enum, value: Any, field: str) -> int:
    """An enum value from its name (any case, ``-`` for ``_``), its number, or None (0)."""
    if value is None or value == "":
        return 0
    if isinstance(value, bool):
        raise bad(field, f"expected a name of {enum.DESCRIPTOR.name}, got {value!r}")
    if isinstance(value, int):
        if value in enum.values():
            return value
        raise bad(field, f"{value} is not a {enum.DESCRIPTOR.name}")
    if isinstance(value, str):
        name = value.strip().upper().replace("-", "_")
        if name in enum.keys():
            return enum.Value(name)
        choices = ", ".join(k.lower() for k in enum.keys() if not k.endswith("UNSPECIFIED"))
        raise bad(field, f"unknown {enum.DESCRIPTOR.name} {value!r} (one of {choices})")
    raise bad(field, f"expected a name of {enum.DESCRIPTOR.name}, got {type(value).__name__}")


def kinds(value: Any, field: str = "kinds") -> list:
    """Relation kinds from one name, a comma-separated string, or an iterable of names."""
    if value is None:
        return []
    if isinstance(value, (str, int)):
        value = value.split(",") if isinstance(value, str) else [value]
    return [enum_value(pb.RelationKind, k, field) for k in value]


_SIGNS = {None: 0, 0: 0, "": 0, "any": 0, "positive": 1, "+": 1, 1: 1, "negative": -1, "-": -1,
          -1: -1}


def sign(value: Any, field: str) -> int:
    """+1, -1 or 0 from ``"positive"``/``"+"``/``1``, ``"negative"``/``"-"``/``-1``, or
    ``None``/``"any"``/``0``."""
    key = value.lower() if isinstance(value, str) else value
    if isinstance(value, bool) or key not in _SIGNS:
        raise bad(field, f"expected 'positive', 'negative' or 'any', got {value!r}")
    return _SIGNS[key]


def sign_filter(value: Any, field: str = "sign") -> int:
    """A :class:`SignFilter` value (see :func:`sign` for what is accepted)."""
    return {0: pb.SIGN_FILTER_UNSPECIFIED, 1: pb.POSITIVE, -1: pb.NEGATIVE}[sign(value, field)]


def date(value: Any, field: str) -> str:
    """``"YYYY-MM-DD"`` from a string, a :class:`datetime.date`/``datetime``, or None ("")."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str):
        return value
    raise bad(field, f"expected a 'YYYY-MM-DD' string or a date, got {type(value).__name__}")


def relation_filter(kinds_: Any = None, sign_: Any = None, since: Any = None,
                    until: Any = None) -> pb.RelationFilter:
    """The RelationFilter shared by queries."""
    return pb.RelationFilter(kinds=kinds(kinds_), sign=sign_filter(sign_),
                             since=date(since, "since"), until=date(until, "until"))


def number(value: Any, field: str, kind=float):
    """``value`` as an int or float (None = 0, the server's default), or InvalidArgument
    naming ``field``. Booleans and strings are refused, as in JSON."""
    if value is None:
        return kind(0)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise bad(field, f"expected a number, got {value!r}")
    if kind is int and not (isinstance(value, int) or value.is_integer()):
        raise bad(field, f"expected an integer, got {value!r}")
    return kind(value)


def _sub(field: str, name: str) -> str:
    """The name of a sub-field: ``relations[3].kind``, or just ``kind`` at the top."""
    return f"{field}.{name}" if field else name


def _text(d: Dict[str, Any], key: str, parent: str) -> str:
    """``d[key]`` as a string ("" when missing), or InvalidArgument naming parent.key."""
    v = d.get(key)
    if v is None:
        return ""
    if not isinstance(v, str):
        raise bad(_sub(parent, key), f"expected a string, got {type(v).__name__}")
    return v


def _as_dict(record: Any, field: str) -> Dict[str, Any]:
    if isinstance(record, dict):
        return record
    if hasattr(record, "to_dict"):  # actorgraph.Relation
        return record.to_dict()
    if dataclasses.is_dataclass(record):  # actorgraph.Actor
        return dataclasses.asdict(record)
    raise bad(field, f"expected a dict, got {type(record).__name__}")


def relation(record: Any, field: str) -> pb.Relation:
    """A Relation message from a relations-JSONL record (DESIGN.md field names), an
    :class:`actorgraph.Relation`, or a ``Relation`` message (passed through).

    Unknown keys are ignored, as in JSONL. Zero or missing sign, weight, confidence and
    cameo take the kind's defaults on the server. Without ``span`` the evidence span is
    unknown (-1), exactly as when the server reads the same line from a file, so the
    computed observation id (and thus idempotence) does not depend on the client.
    """
    if isinstance(record, pb.Relation):
        return record
    d = _as_dict(record, field)
    if d.get("kind") in (None, ""):
        raise bad(_sub(field, "kind"), "is required")
    ev = d.get("evidence") or {}
    if not isinstance(ev, dict):
        ev = _as_dict(ev, _sub(field, "evidence"))
    begin, end = ev.get("begin", -1), ev.get("end", -1)
    span = d.get("span")
    if span is not None:
        if (not isinstance(span, (list, tuple)) or len(span) != 2
                or not all(isinstance(x, int) and not isinstance(x, bool) for x in span)):
            raise bad(_sub(field, "span"), "must be [begin, end] integers")
        begin, end = span
    evidence = {**ev, **{k: d[k] for k in ("doc", "url", "sentence") if k in d}}
    return pb.Relation(
        id=_text(d, "id", field),
        source=_text(d, "source", field),
        target=_text(d, "target", field),
        source_name=_text(d, "source_name", field),
        target_name=_text(d, "target_name", field),
        source_country=_text(d, "source_country", field),
        target_country=_text(d, "target_country", field),
        kind=enum_value(pb.RelationKind, d.get("kind"), _sub(field, "kind")),
        sign=number(d.get("sign"), _sub(field, "sign"), int),
        weight=number(d.get("weight"), _sub(field, "weight")),
        confidence=number(d.get("confidence"), _sub(field, "confidence")),
        cameo=_text(d, "cameo", field),
        date=date(d.get("date") or None, _sub(field, "date")),
        evidence=pb.Evidence(
            doc=_text(evidence, "doc", field),
            url=_text(evidence, "url", field),
            sentence=_text(evidence, "sentence", field),
            begin=number(begin, _sub(field, "span"), int),
            end=number(end, _sub(field, "span"), int)))


def actor(record: Any, field: str) -> pb.Actor:
    """An Actor message from an actor-dictionary record (``data/actors`` format: id, kind,
    name, aliases, country, roles with from/until), an :class:`actorgraph.Actor`, or an
    ``Actor`` message (passed through). Unknown keys are ignored."""
    if isinstance(record, pb.Actor):
        return record
    d = _as_dict(record, field)
    aliases = d.get("aliases") or []
    if isinstance(aliases, str) or not all(isinstance(a, str) for a in aliases):
        raise bad(_sub(field, "aliases"), "must be a list of strings")
    roles = []
    for i, r in enumerate(d.get("roles") or []):
        f = _sub(field, f"roles[{i}]")
        r = _as_dict(r, f)
        roles.append(pb.Role(
            target=_text(r, "target", f),
            kind=enum_value(pb.RelationKind, r.get("kind"), _sub(f, "kind")),
            title=_text(r, "title", f),
            from_date=date(r.get("from", r.get("from_date")), _sub(f, "from")),
            until_date=date(r.get("until", r.get("until_date")), _sub(f, "until"))))
    return pb.Actor(id=_text(d, "id", field), name=_text(d, "name", field),
                    kind=enum_value(pb.ActorKind, d.get("kind"), _sub(field, "kind")),
                    aliases=aliases, country=_text(d, "country", field),
                    roles=roles)


def jsonl_records(path: PathLike) -> Iterator[Tuple[str, Any]]:
    """Yields ``("FILE:LINE", record)`` for each non-blank, non-``#`` line of a JSONL file,
    or ``("FILE:LINE", InvalidArgument)`` for a line that is not a JSON object. A folder
    yields its ``*.jsonl`` files in name order."""
    path = os.fspath(path)
    if os.path.isdir(path):
        for name in sorted(os.listdir(path)):
            if name.endswith(".jsonl"):
                yield from jsonl_records(os.path.join(path, name))
        return
    try:
        f = open(path, encoding="utf-8")
    except OSError as e:
        raise bad("path", f"cannot read {path}: {e.strerror}") from None
    with f:
        for number_, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            where = f"{path}:{number_}"
            try:
                record = json.loads(line)
            except ValueError as e:
                yield where, bad("", f"not JSON: {e}")
                continue
            yield where, record if isinstance(record, dict) else bad("", "not a JSON object")


def records(source: Any, name: str) -> Iterator[Tuple[str, Any]]:
    """``(where, record)`` pairs from a JSONL path or from an iterable of records."""
    if isinstance(source, (str, os.PathLike)):
        if not os.path.exists(source):  # checked now, before any call is made
            raise bad(name, f"no such file or folder: {os.fspath(source)}")
        return jsonl_records(source)
    if isinstance(source, (dict, bytes)) or not isinstance(source, Iterable):
        raise bad(name, "expected a JSONL path or an iterable of records")
    return ((f"{name}[{i}]", r) for i, r in enumerate(source))

