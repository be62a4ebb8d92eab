"""The CLI's help and version load nothing heavy (issue 18, item 7), checked in fresh interpreters."""

import json
import subprocess
import sys
import textwrap

import click

from motionrehab.cli.lazy import _help_from_source
from motionrehab.cli.main import COMMANDS, cli

# Each takes 0.1-2 s to import on the project machine; a command's --help needs none of them.
HEAVY = ("mediapipe", "matplotlib", "cv2", "scipy", "sqlalchemy", "alembic", "pandas", "pyarrow", "starlette", "dask")

EVERY_HELP = textwrap.dedent(
    """
    import json, sys
    import click
    from motionrehab.cli.main import cli, main

    def heavy():
        return {m.split(".")[0] for m in sys.modules if m.split(".")[0] in HEAVY}

    shown, loaded = [], {}
    ctx = click.Context(cli)
    for name in cli.list_commands(ctx):
        before = heavy()
        assert main([name, "--help"]) == 0, name
        shown.append(name)
        command = cli.get_command(ctx, name)
        if isinstance(command, click.Group):
            for sub in command.list_commands(click.Context(command)):
                assert main([name, sub, "--help"]) == 0, (name, sub)
                shown.append(f"{name} {sub}")
        if heavy() - before:
            loaded[name] = sorted(heavy() - before)  # the first command to load a module is named
    print(json.dumps({"shown": shown, "loaded": loaded}))
    """
).replace("HEAVY", repr(HEAVY))

TOP_LEVEL = textwrap.dedent(
    """
    import json, sys
    from motionrehab.cli.main import main

    assert main(["--help"]) == 0 and main(["--version"]) == 0
    print(json.dumps(sorted(m for m in sys.modules if m.startswith(("motionrehab.cli.", "numpy", "scipy", "sqlalchemy", "mediapipe", "matplotlib", "cv2")))))
    """
)


def _run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def test_no_command_help_imports_a_heavy_library():
    report = json.loads(_run(EVERY_HELP))
    assert set(COMMANDS) <= set(report["shown"]) and "program check" in report["shown"] and "sensors record" in report["shown"]
    assert report["loaded"] == {}


def test_top_level_help_and_version_import_no_command_module_and_no_numpy():
    # Only the group itself, its lazy loader and main: the command list is read from the sources.
    assert json.loads(_run(TOP_LEVEL)) == ["motionrehab.cli.lazy", "motionrehab.cli.main"]


def test_the_command_list_read_from_the_sources_matches_the_imported_commands():
    ctx = click.Context(cli)
    for name, target in COMMANDS.items():
        help_text, short_help, hidden = _help_from_source(target)
        from_source = click.Command(name, help=help_text, short_help=short_help).get_short_help_str(60)
        imported = cli.get_command(ctx, name)
        assert (from_source, hidden) == (imported.get_short_help_str(60), imported.hidden), name
        assert len(from_source) > 20 and not from_source.startswith(("--", "Skip")), name  # a docstring, not an option's help
