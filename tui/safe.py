"""No control character from data reaches the terminal through the app.

Rich's ``Text`` and Textual's ``Content`` — through which every label, table cell, input and
notification of the app is drawn — already drop a few control characters (BEL, BS, VT, FF, CR)
through one translation table each, but keep ESC, the C1 controls and the bidirectional overrides.
:func:`install` makes both tables show every such character as :func:`priorauth.safetext.shown`
does (``^[``, U+FFFD, ...), once, for the whole app: no screen has to remember to escape a name.
Rich markup in names stays literal, as before (the app wraps user text in ``Text``).
"""

from __future__ import annotations

import rich.control
import textual.content

from priorauth.safetext import SHOWN


def install() -> None:
    """Widen Rich's and Textual's control-character tables (idempotent)."""
    for module in (rich.control, textual.content):
        table = getattr(module, "_CONTROL_STRIP_TRANSLATE", None)
        if not isinstance(table, dict):
            raise RuntimeError(  # a new Textual or Rich: tui/safe.py needs a look
                f"{module.__name__} has no control-character table; update tui/safe.py"
            )
        table.update(SHOWN)


install()
