"""The journey tests drive motionrehab only through its command line, as a patient and a clinician would."""

from __future__ import annotations

import contextlib
import io
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest


@dataclass(frozen=True)
class Ran:
    """One command's exit status and output."""

    code: int
    out: str
    err: str


class Cli:
    """Runs `motionrehab ...` as a user types it, with a private store (MOTIONREHAB_STORE) and working folder.

    The commands run in this process through the same ``main`` the console script calls
    (argument parsing, error printing, exit status): 51 fresh interpreters cost about 150 s
    of imports on the project machine, this about 15. State carried between commands in one
    process would show here as a difference; tests/journey/test_readme.py runs the README's
    commands in fresh processes.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.calls = 0
        self.seconds: list[tuple[float, str]] = []

    def __call__(self, *args: object, code: int = 0) -> Ran:
        from motionrehab.cli.main import main

        argv = [str(a) for a in args]
        out, err = io.StringIO(), io.StringIO()
        started = time.perf_counter()
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("MOTIONREHAB_STORE", str(self.folder / "store.sqlite"))
            patch.chdir(self.folder)
            with warnings.catch_warnings(), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                warnings.simplefilter("ignore")
                status = main(argv)
        self.seconds.append((time.perf_counter() - started, " ".join(argv[:3])))
        self.calls += 1
        assert status == code, f"{' '.join(argv)} -> {status}\n{out.getvalue()}\n{err.getvalue()}"
        return Ran(status, out.getvalue(), err.getvalue())


@pytest.fixture
def cli(tmp_path: Path) -> Iterator[Cli]:
    runner = Cli(tmp_path)
    yield runner
    slowest = sorted(runner.seconds, reverse=True)[:5]
    print(f"\n{runner.calls} CLI calls, {sum(s for s, _ in runner.seconds):.0f} s; slowest: " + ", ".join(f"{c} {s:.1f} s" for s, c in slowest))


class Tables(HTMLParser):
    """Every <table> of an HTML page as rows of cell texts; and the page's text."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self.text: list[str] = []
        self._cell: list[str] | None = None
        self._in_svg = 0
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "svg":
            self._in_svg += 1
        elif tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg":
            self._in_svg -= 1
        elif tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append(" ".join(" ".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._in_svg:
            return
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)

    def table(self, *headers: str) -> list[dict[str, str]]:
        """The first table with all these header cells, as dicts by header."""
        for table in self.tables:
            if table and table[0] and all(h in table[0] for h in headers):
                return [dict(zip(table[0], row, strict=False)) for row in table[1:]]
        raise AssertionError(f"no table with the headers {headers!r}")

    @property
    def page(self) -> str:
        return " ".join(" ".join(self.text).split())
