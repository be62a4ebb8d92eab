"""Read a YAML document field by field, keeping each value's file and line for error messages.

PyYAML's ``safe_load`` throws the line numbers away. Here the document is composed into
nodes (which keep ``start_mark``) and each field is converted on request, so every
validation error can say ``prescription.yaml:23: phases[1].exercises[0].dose.reps``.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import yaml

from motionrehab._text import read_text
from motionrehab.errors import InvalidDataError

_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml_nodes(path: Path) -> Fields:
    """Compose ``path`` into nodes; the top level must be a mapping."""
    return parse_yaml_text(read_text(path, kind="YAML file", max_bytes=MAX_YAML_BYTES), str(path))


def parse_yaml_text(text: str, source: str) -> Fields:
    """Compose YAML ``text`` (named ``source`` in errors) into a top-level mapping.

    Size and nesting are checked first (at most MAX_YAML_BYTES, MAX_YAML_DEPTH levels):
    PyYAML's composer recurses once per level, so ``[[[[...`` 100,000 deep would otherwise
    end in a RecursionError.
    """
    if len(text) > MAX_YAML_BYTES:
        raise InvalidDataError(f"the YAML text is {len(text):,} characters, more than {MAX_YAML_BYTES:,}", where=source,
                               fix="a prescription is a few kilobytes: check that this is the right file")  # fmt: skip
    _check_depth(text, source)
    try:
        # libyaml's loader when PyYAML has it (5x faster: a clinic list parses hundreds of prescriptions); same nodes and marks.
        loader = _LOADER(text)  # refuses control characters at once (ReaderError)
    except yaml.YAMLError as error:
        raise InvalidDataError(f"this is not valid YAML text ({error})", where=source, fix="save it as plain UTF-8 text") from error
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else 0
        raise InvalidDataError(
            f"this is not valid YAML ({error.problem or error.context})",
            where=f"{source}:{line}",
            fix="check indentation (spaces, not tabs), colons after keys and matching quotes",
        ) from error
    except yaml.YAMLError as error:
        raise InvalidDataError(f"this is not valid YAML ({error})", where=source) from error
    finally:
        loader.dispose()
    if node is None:
        raise InvalidDataError("the file is empty", where=f"{source}:1", fix="start from examples/prescription.yaml")
    fields = Fields(node, "", source, loader)
    fields.require_mapping()
    return fields


MAX_YAML_BYTES = 1_000_000
"""Largest YAML document read (a prescription is a few kilobytes)."""
MAX_YAML_DEPTH = 32
"""Deepest nesting of lists and mappings accepted (the example prescription nests 7 deep: phases, exercises, targets, a range)."""

_OPENING = (yaml.BlockMappingStartToken, yaml.BlockSequenceStartToken, yaml.FlowMappingStartToken, yaml.FlowSequenceStartToken)
_CLOSING = (yaml.BlockEndToken, yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken)


def _check_depth(text: str, source: str) -> None:
    # The scanner is iterative (no recursion): count how deep collections open before composing.
    depth = 0
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if isinstance(token, _OPENING):
                depth += 1
                if depth > MAX_YAML_DEPTH:
                    raise InvalidDataError(f"lists and mappings are nested more than {MAX_YAML_DEPTH} deep", where=f"{source}:{token.start_mark.line + 1}",
                                           fix="a prescription nests a few levels; check the brackets and indentation")  # fmt: skip
            elif isinstance(token, _CLOSING):
                depth -= 1
    except yaml.YAMLError:
        return  # not valid YAML: the composer reports it with its line


class Fields:
    """One YAML node with its dotted path; typed getters raise errors naming file:line: field."""

    def __init__(self, node: yaml.Node, path: str, source: str, loader: Any) -> None:
        self.node = node
        self.path = path
        self.source = source
        self._loader = loader

    @property
    def line(self) -> int:
        """1-based line where this node starts."""
        return int(self.node.start_mark.line) + 1

    def where(self) -> str:
        """``file:line: field`` for error messages."""
        return f"{self.source}:{self.line}: {self.path or '(top level)'}"

    def error(self, what: str, fix: str = "") -> InvalidDataError:
        """An InvalidDataError located at this node."""
        return InvalidDataError(what, where=self.where(), fix=fix)

    # -- structure ------------------------------------------------------------------------
    def require_mapping(self) -> None:
        """Raise unless this node is a mapping (``key: value`` lines)."""
        if not isinstance(self.node, yaml.MappingNode):
            raise self.error("expected a mapping of 'key: value' lines here", "indent the fields under this key")

    def keys(self) -> list[str]:
        """The mapping's keys in file order; duplicate keys are an error."""
        self.require_mapping()
        seen: list[str] = []
        for key_node, _ in self.node.value:
            key = str(key_node.value)
            if key in seen:
                raise InvalidDataError(
                    f"the key '{key}' appears twice", where=f"{self.source}:{key_node.start_mark.line + 1}: {self._child_path(key)}", fix="keep one"
                )
            seen.append(key)
        return seen

    def check_keys(self, allowed: Sequence[str]) -> None:
        """Raise for any key not in ``allowed`` (catches typos like 'rep:' for 'reps:')."""
        for key_node, _ in self.node.value:
            key = str(key_node.value)
            if key not in allowed:
                raise InvalidDataError(
                    f"unknown field '{key}'",
                    where=f"{self.source}:{key_node.start_mark.line + 1}: {self._child_path(key)}",
                    fix=_suggest(key, allowed) + f"allowed here: {', '.join(allowed)}",
                )
        self.keys()

    def _child_path(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def has(self, key: str) -> bool:
        """Whether the mapping has ``key`` (with a non-null value)."""
        child = self._child(key)
        return child is not None and not (isinstance(child.node, yaml.ScalarNode) and child.node.tag.endswith(":null"))

    def _child(self, key: str) -> Fields | None:
        self.require_mapping()
        for key_node, value_node in self.node.value:
            if str(key_node.value) == key:
                return Fields(value_node, self._child_path(key), self.source, self._loader)
        return None

    def child(self, key: str) -> Fields:
        """The value under ``key``; raises when missing."""
        child = self._child(key)
        if child is None or not self.has(key):
            raise self.error(f"the field '{key}' is missing", f"add '{key}:' under {self.path or 'the top level'}")
        return child

    def items(self) -> Iterator[Fields]:
        """The entries of a list node (``- ...`` lines)."""
        if not isinstance(self.node, yaml.SequenceNode):
            raise self.error("expected a list here ('- ' entries)", "write each entry on its own line starting with '- '")
        for index, item in enumerate(self.node.value):
            yield Fields(item, f"{self.path}[{index}]", self.source, self._loader)

    # -- scalars --------------------------------------------------------------------------
    def value(self) -> Any:
        """The Python value of a scalar node (YAML 1.1 safe types)."""
        if not isinstance(self.node, yaml.ScalarNode):
            raise self.error("expected a single value here, not a list or mapping")
        return self._loader.construct_object(self.node, deep=True)

    def text(self, key: str, *, default: str | None = None, choices: Sequence[str] | None = None) -> str:
        """A non-empty string field, optionally one of ``choices``."""
        if not self.has(key):
            if default is not None:
                return default
            return str(self.child(key))  # raises 'missing'
        field = self.child(key)
        raw = field.value()
        if isinstance(raw, bool) or raw is None or isinstance(raw, (list, dict)):
            raise field.error(f"expected text, got {raw!r}", "quote the value")
        value = str(raw).strip()
        if not value:
            raise field.error("must not be empty")
        if choices is not None and value not in choices:
            raise field.error(f"'{value}' is not allowed", f"use one of: {', '.join(choices)}")
        return value

    def number(
        self,
        key: str,
        *,
        default: float | None = None,
        minimum: float | None = None,
        maximum: float | None = None,
        integer: bool = False,
        unit: str = "",
    ) -> float:
        """A number field within [minimum, maximum]; ``integer`` requires a whole number."""
        if not self.has(key):
            if default is not None:
                return default
            self.child(key)  # raises 'missing'
        field = self.child(key)
        raw = field.value()
        unit_text = f" {unit}" if unit else ""
        if isinstance(raw, bool) or not isinstance(raw, (int, float)):
            raise field.error(f"expected a number{unit_text}, got {raw!r}", f"write a plain number{', e.g. 10' if integer else ''} without units")
        if integer and int(raw) != raw:
            raise field.error(f"expected a whole number, got {raw!r}")
        if raw != raw:  # NaN
            raise field.error("expected a number, got .nan")
        allowed = _range_text(minimum, maximum, unit_text)
        if minimum is not None and raw < minimum:
            raise field.error(f"{raw!r}{unit_text} is too small", f"allowed: {allowed}")
        if maximum is not None and raw > maximum:
            raise field.error(f"{raw!r}{unit_text} is too large", f"allowed: {allowed}")
        return float(raw)

    def integer(self, key: str, *, default: int | None = None, minimum: int | None = None, maximum: int | None = None) -> int:
        """A whole-number field within [minimum, maximum]."""
        return int(self.number(key, default=None if default is None else float(default), minimum=minimum, maximum=maximum, integer=True))

    def flag(self, key: str, *, default: bool) -> bool:
        """A yes/no field (true/false)."""
        if not self.has(key):
            return default
        field = self.child(key)
        raw = field.value()
        if not isinstance(raw, bool):
            raise field.error(f"expected true or false, got {raw!r}")
        return raw

    def date(self, key: str) -> dt.date:
        """A calendar date field written YYYY-MM-DD."""
        field = self.child(key)
        raw = field.value()
        if isinstance(raw, dt.datetime):
            return raw.date()
        if isinstance(raw, dt.date):
            return raw
        raise field.error(f"expected a date written YYYY-MM-DD, got {raw!r}", "e.g. 2026-01-05")


def _suggest(key: str, allowed: Sequence[str]) -> str:
    close = difflib.get_close_matches(key, list(allowed), n=1)
    return f"did you mean '{close[0]}'? " if close else ""


def _range_text(minimum: float | None, maximum: float | None, unit_text: str) -> str:
    if minimum is not None and maximum is not None:
        return f"{minimum:g} to {maximum:g}{unit_text}"
    if minimum is not None:
        return f"at least {minimum:g}{unit_text}"
    if maximum is not None:
        return f"at most {maximum:g}{unit_text}"
    return "any number"
