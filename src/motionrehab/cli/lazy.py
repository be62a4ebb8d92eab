"""A click group whose subcommands live in their own modules and are imported only when used.

Keeps `motionrehab --help` fast: the list of commands is written from each command
function's docstring read from its source file (``ast``), without importing the module, so
neither numpy, mediapipe nor matplotlib is loaded to print it. Running a command (or its own
``--help``) imports just that module. Commands whose module is not installed are not listed.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import sys
from collections.abc import Mapping
from pathlib import Path

import click


class LazyGroup(click.Group):
    """A click group mapping command names to ``'module:attribute'`` strings."""

    def __init__(self, *args: object, lazy_commands: Mapping[str, str] | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.lazy_commands = dict(lazy_commands or {})

    def _available(self, name: str) -> bool:
        module = self.lazy_commands[name].split(":", 1)[0]
        return importlib.util.find_spec(module) is not None

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Names of the eager commands and of the lazy ones whose module is installed."""
        names = set(super().list_commands(ctx))
        names.update(name for name in self.lazy_commands if self._available(name))
        return sorted(names)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """Import and return the command named ``cmd_name`` (None when unknown)."""
        if cmd_name in self.lazy_commands and self._available(cmd_name):
            module_name, attribute = self.lazy_commands[cmd_name].split(":", 1)
            command = getattr(importlib.import_module(module_name), attribute)
            if not isinstance(command, click.Command):
                raise TypeError(f"{self.lazy_commands[cmd_name]} is not a click command")
            return command
        return super().get_command(ctx, cmd_name)

    def command_short_help(self, ctx: click.Context, cmd_name: str, limit: int) -> str | None:
        """The one-line help of a command as click would print it; None for a hidden command.

        A lazy command not imported yet is read from its source; otherwise from the command.
        """
        target = self.lazy_commands.get(cmd_name)
        if target is not None and target.split(":", 1)[0] not in sys.modules:
            found = _help_from_source(target)
            if found is not None:  # a stand-in command, so that click shortens the text its own way
                help_text, short_help, hidden = found
                return None if hidden else click.Command(cmd_name, help=help_text, short_help=short_help).get_short_help_str(limit)
        command = self.get_command(ctx, cmd_name)
        if command is None or command.hidden:
            return None
        return command.get_short_help_str(limit)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The 'Commands' section of ``--help``, without importing the command modules."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = [(name, text) for name in names if (text := self.command_short_help(ctx, name, limit)) is not None]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def _help_from_source(target: str) -> tuple[str, str | None, bool] | None:
    """(help, short help, hidden) of the click command function ``'module:attribute'``, read with ``ast``; None if unsure."""
    module_name, attribute = target.split(":", 1)
    spec = importlib.util.find_spec(module_name)
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        return None
    tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == attribute:
            text, short, hidden = ast.get_docstring(node) or "", None, False
            for decorator in node.decorator_list:
                if not (isinstance(decorator, ast.Call) and _decorator_name(decorator.func) in ("command", "group")):
                    continue  # options carry help= too
                for keyword in decorator.keywords:
                    if keyword.arg in ("help", "short_help", "hidden"):
                        if not isinstance(keyword.value, ast.Constant):
                            return None  # computed: only the imported command knows
                        if keyword.arg == "hidden":
                            hidden = bool(keyword.value.value)
                        elif keyword.arg == "short_help":
                            short = str(keyword.value.value)
                        else:
                            text = str(keyword.value.value)
            return text, short, hidden
    return None


def _decorator_name(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""
