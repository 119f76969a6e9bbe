"""The storage codec: records <-> the JSON documents of the data file.

Builders, copiers and writers are generated per record class (attributes set in field order, texts
interned, one date object per day), which is what makes opening an agency's file fast; a document
that does not fit its class is checked by :mod:`priorauth.store.schema`, which names what is
wrong. The records themselves (:mod:`priorauth.model`) know nothing of documents.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import functools
import operator
import sys
import types
import typing
from collections.abc import Callable
from typing import Any, TypeVar

from priorauth.model import Record

R = TypeVar("R", bound=Record)


def to_doc(record: Any) -> dict[str, Any]:
    """The JSON-ready document stored in the data file (without ``id``: that is the key)."""
    return record_writer(type(record))(record)


def from_doc(cls: type[R], doc_id: int, doc: dict[str, Any]) -> R:
    """Build from a stored document; unknown keys are ignored, missing ones defaulted."""
    return record_builder(cls)(int(doc_id), doc)


def _from_doc_slow(cls: type[R], doc_id: int, doc: dict[str, Any]) -> R:
    from priorauth.store.schema import check_document  # (the schema is read from the classes)

    check_document(cls, cls.TABLE, doc_id, doc)  # a bad document is named, not half-built
    kwargs: dict[str, Any] = {"id": doc_id}
    for name, convert in _converters(cls):
        if name in doc:
            value = doc[name]
            kwargs[name] = value if value is None or convert is None else convert(value)
    return cls(**kwargs)


def _part_from_doc(cls: type[Any], doc: dict[str, Any]) -> Any:
    """A record's part (a client's insurance) from its document."""
    kwargs: dict[str, Any] = {}
    for name, convert in _converters(cls):
        if name in doc:
            value = doc[name]
            kwargs[name] = value if value is None or convert is None else convert(value)
    return cls(**kwargs)


_CONVERTERS: dict[type, list[tuple[str, Any]]] = {}
_BUILDERS: dict[type, Any] = {}


def record_builder(cls: type[R]) -> Callable[[int, dict[str, Any]], R]:
    """A function (doc_id, document) -> record, fast for documents this version wrote.

    A document with every one of the record's fields (others, such as its ``id``, are ignored:
    the key's is used) is built by code generated for the class, which sets each attribute in
    field order, as ``__init__`` would, so that records share their attribute keys (a copied
    ``__dict__`` would take 2.5 times the memory; an agency's file has hundreds of thousands of
    records), and texts and dates are shared between records (interned; one date object per
    day). A document missing a field, or with a field of the wrong type, goes through
    ``__init__``, for the defaults, after :mod:`priorauth.store.schema` has checked it (and named
    what does not fit).
    """
    build = _BUILDERS.get(cls)
    if build is None:
        build = _BUILDERS[cls] = _generated(cls, functools.partial(_from_doc_slow, cls), True)
    return build


_PART_BUILDERS: dict[type, Any] = {}


def _part_builder(cls: type[Any]) -> Callable[[dict[str, Any]], Any]:
    """:func:`record_builder` for a record's part (a client's insurance, a service line): a
    function document -> part, generated the same way (a document missing a field, or with one
    of the wrong type, goes through ``__init__``: :func:`_part_from_doc`). An agency's 5,000
    clients have 10,000 insurances: 100 -> 30 ms."""
    build = _PART_BUILDERS.get(cls)
    if build is None:
        build = _PART_BUILDERS[cls] = _generated(cls, functools.partial(_part_from_doc, cls), False)
    return build


def _generated(cls: type[Any], slow: Callable[..., Any], with_id: bool) -> Any:
    """The builder :func:`record_builder` describes (``with_id``: of a record, called with its
    id and document; else of a part, with its document alone)."""
    conv = dict(_converters(cls))
    head = "def build(doc_id, doc):" if with_id else "def build(doc):"
    lines = [head, "    try:", "        record = new(cls)"]
    namespace: dict[str, Any] = {"new": object.__new__, "cls": cls, "intern": sys.intern}
    namespace["slow"] = slow
    hints = typing.get_type_hints(cls)
    for f in dataclasses.fields(cls):
        name = f.name
        if name == "id":
            lines.append("        record.id = doc_id")
        elif hints[name] is str:  # one copy of each text: who, when, codes repeat by thousands
            lines.append(f"        value = doc[{name!r}]")  # ("" is one object already)
            lines.append(f"        record.{name} = intern(value) if value else value")
        elif isinstance(conv[name], type) and issubclass(conv[name], enum.Enum):
            # a member by its value, without EnumMeta.__call__ (an unknown value: KeyError)
            namespace[f"members_{name}"] = conv[name]._value2member_map_
            lines.append(f"        value = doc[{name!r}]")
            lines.append(
                f"        record.{name} = None if value is None else members_{name}[value]"
            )
        elif conv[name] is None:
            lines.append(f"        record.{name} = doc[{name!r}]")
        else:
            namespace[f"convert_{name}"] = conv[name]
            lines.append(f"        value = doc[{name!r}]")
            lines.append(
                f"        record.{name} = None if value is None else convert_{name}(value)"
            )
    lines.append("    except (KeyError, TypeError, ValueError):  # a field missing, or mistyped")
    lines.append("        return slow(doc_id, doc)" if with_id else "        return slow(doc)")
    lines.append("    return record")
    exec("\n".join(lines), namespace)
    return namespace["build"]


_COPIERS: dict[type, Any] = {}


def record_copier(cls: type[R]) -> Callable[[R], R]:
    """A function record -> an independent copy: its lists (and the insurances in them) are new,
    so that changing either one leaves the other as it was. Generated like :func:`record_builder`
    (attributes set in field order, so that the copy shares its keys with its kind's records)."""
    copy = _COPIERS.get(cls)
    if copy is not None:
        return copy
    hints = typing.get_type_hints(cls)
    lines = ["def copy(record):", "    new_record = new(cls)"]
    namespace: dict[str, Any] = {"new": object.__new__, "cls": cls, "shallow": _shallow_copy}
    for f in dataclasses.fields(cls):
        value = f"record.{f.name}"
        if typing.get_origin(hints[f.name]) is list:
            (item,) = typing.get_args(hints[f.name])
            nested = dataclasses.is_dataclass(item)
            value = f"[shallow(v) for v in {value}]" if nested else f"[*{value}]"
        lines.append(f"    new_record.{f.name} = {value}")
    lines.append("    return new_record")
    exec("\n".join(lines), namespace)
    copy = _COPIERS[cls] = namespace["copy"]
    return copy


def _shallow_copy(value: Any) -> Any:
    new = object.__new__(type(value))
    for f in dataclasses.fields(value):
        object.__setattr__(new, f.name, getattr(value, f.name))
    return new


_WRITERS: dict[type, Any] = {}


def record_writer(cls: type[Any]) -> Callable[[Any], dict[str, Any]]:
    """A function record -> document, fast: only fields that need converting (dates, enums,
    lists) are converted; an import writes tens of thousands of records at once. A record's
    ``id`` is left out (it is the document's key)."""
    write = _WRITERS.get(cls)
    if write is not None:
        return write
    fields = [f.name for f in dataclasses.fields(cls)]
    names = [name for name in fields if name != "id"]
    hints = typing.get_type_hints(cls)
    converted = [(name, _json_converter_for(hints[name])) for name in names]
    converted = [(name, fn) for name, fn in converted if fn is not None]

    values_of = operator.attrgetter(*names) if len(names) > 1 else None

    def write(record: Any) -> dict[str, Any]:
        if values_of is not None:  # (records have __slots__: no __dict__ to copy)
            doc = dict(zip(names, values_of(record), strict=True))
        else:
            doc = {name: getattr(record, name) for name in names}
        for name, convert in converted:
            value = doc[name]
            if value is not None:
                doc[name] = convert(value)
        return doc

    _WRITERS[cls] = write
    return write


def _converters(cls: type) -> list[tuple[str, Any]]:
    """(field name, function turning its JSON value into the Python value, or None for as-is)."""
    conv = _CONVERTERS.get(cls)
    if conv is None:
        hints = typing.get_type_hints(cls)
        conv = [
            (f.name, _converter_for(hints[f.name]))
            for f in dataclasses.fields(cls)
            if f.name != "id"
        ]
        _CONVERTERS[cls] = conv
    return conv


def _converter_for(hint: Any) -> Any:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        return _converter_for(args[0])
    if origin is list:
        (item,) = typing.get_args(hint)
        inner = _converter_for(item)
        if inner is None:
            return list
        return lambda values: [inner(v) for v in values]
    if hint is dt.date:
        return _date_from_iso
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return hint
    if dataclasses.is_dataclass(hint):  # a record's parts (a client's insurances)
        return _part_builder(hint)
    return None


_date_from_iso = functools.lru_cache(maxsize=16384)(dt.date.fromisoformat)  # dates are immutable


def _json_converter_for(hint: Any) -> Any:
    """The function turning a field's Python value into its JSON value (None: as it is)."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        return _json_converter_for(args[0]) if len(args) == 1 else _to_json
    if origin is list:
        (item,) = typing.get_args(hint)
        inner = _json_converter_for(item)
        if inner is None:
            return list
        return lambda values: [inner(v) for v in values]
    if hint is dt.date:
        return dt.date.isoformat
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return _to_json
    if dataclasses.is_dataclass(hint):
        return record_writer(hint)
    if hint in (str, int, bool, float):
        return None
    return _to_json


def _to_json(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value._value_
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [_to_json(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return record_writer(type(value))(value)
    return value
