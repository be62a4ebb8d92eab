"""A click group whose subcommands live in their own modules and are imported only when used.

Keeps `motionrehab --help` fast (no mediapipe import) and lets each command own one module.
Commands whose module is not installed are simply not listed.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Mapping

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
