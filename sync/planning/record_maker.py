"""Records of the import built quickly: :func:`record_maker` generates, once per record class
and set of columns, a function that sets a new record's attributes in field order, as the
dataclass's ``__init__`` would, without its cost (drafts, service lines and coverages are made
by the thousand on a first import). The store's own generated builders, for records read from
the data file, are :mod:`priorauth.store.codec`'s."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from priorauth.model import Record

R = TypeVar("R", bound=Record)


def record_maker(
    cls: type[R],
    given: tuple[str, ...] | None = None,
    defaults: dict[str, Any] | None = None,
    columns: dict[str, Sequence[Any]] | None = None,
    *,
    from_record: bool = False,
) -> Callable[..., R]:
    """A function building a ``cls`` as ``__init__`` does: one attribute at a time, in field
    order, so that the record keeps its values inline (every later look at its fields is
    quicker than through an assigned ``__dict__``), and without ``__init__``'s cost.

    Without ``given``, the function takes one dictionary holding every field. With it, it
    takes those fields' values as arguments, in that order, then a row index ``i``: the fields
    in ``columns`` are ``columns[field][i]``, the others come from ``defaults`` — or, with
    ``from_record``, from a record of ``cls`` given first (an existing one a row updates).
    """
    names = [f.name for f in dataclasses.fields(cls)]  # type: ignore[arg-type]
    bound: dict[str, Any] = {"new": object.__new__, "cls": cls}  # the function's closure
    if given is None:
        lines = ["    def make(values):", "        record = new(cls)"]
        lines += [f"        record.{name} = values[{name!r}]" for name in names]
    else:
        columns = columns or {}
        assert set(given) | set(columns) <= set(names), (given, columns)
        arguments = ("original", *given, "i") if from_record else (*given, "i")
        assert "original" not in names
        lines = [f"    def make({', '.join(arguments)}):", "        record = new(cls)"]
        for name in names:
            if name in given:
                lines.append(f"        record.{name} = {name}")
            elif name in columns:
                bound[f"column_{name}"] = columns[name]
                lines.append(f"        record.{name} = column_{name}[i]")
            elif from_record:
                lines.append(f"        record.{name} = original.{name}")
            else:
                bound[f"default_{name}"] = (defaults or {})[name]
                lines.append(f"        record.{name} = default_{name}")
    lines.append("        return record")
    lines.append("    return make")
    # the values are bound in a closure, not in the function's globals: a function in its
    # own globals is a reference cycle, which would keep the columns until the cyclic GC ran
    namespace: dict[str, Any] = {}
    exec("\n".join([f"def factory({', '.join(bound)}):", *lines]), namespace)
    factory = namespace.pop("factory")
    return factory(**bound)  # type: ignore[no-any-return]
