"""Command palette (ctrl+p): every action of the current screen, and the app-wide ones.

Commands come from the key bindings themselves, so the palette, the footer and the help screen
never disagree; an action the user may not do (permissions) is left out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from textual.dom import DOMNode


@dataclass(frozen=True)
class Command:
    title: str
    help: str
    run: Callable[[], object]


def binding_commands(node: DOMNode, bindings: list[Binding]) -> Iterator[Command]:
    """Commands for ``bindings`` of ``node`` (a screen or the app) that are available now."""
    for binding in bindings:
        if not binding.id or not binding.description:
            continue
        action = binding.action
        name, _, _ = action.partition("(")
        check = node.check_action(name, ())
        if not check:  # False: not here; None: not allowed (greyed in the footer)
            continue
        yield Command(
            binding.tooltip or binding.description, key_text(node, binding), _runner(node, action)
        )


def key_text(node: DOMNode, binding: Binding) -> str:
    """How to press it: "n", "ctrl+s"."""
    return binding.key_display or node.app.get_key_display(binding)


def _runner(node: DOMNode, action: str) -> Callable[[], object]:
    def run() -> object:
        return node.app.run_action(action, node)

    return run


class ScreenCommands(Provider):
    """The current screen's actions, then the app's (navigation, help, quit)."""

    def _commands(self) -> list[Command]:
        screen = self.screen
        found: list[Command] = []
        collect = getattr(screen, "palette_commands", None)
        if collect is not None:
            found.extend(collect())
        found.extend(binding_commands(self.app, list(self.app.BINDINGS)))  # type: ignore[arg-type]
        seen: set[str] = set()
        unique = []
        for command in found:
            if command.title not in seen:
                seen.add(command.title)
                unique.append(command)
        return unique

    async def discover(self) -> Hits:
        for command in self._commands():
            yield DiscoveryHit(command.title, command.run, help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self._commands():
            score = matcher.match(command.title)
            if score > 0:
                yield Hit(score, matcher.highlight(command.title), command.run, help=command.help)
