"""The ``motionrehab`` command: a thin front door over the library.

Errors caused by input (MotionRehabError) are printed as plain sentences with how to fix
them, exit status 2, no traceback. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import sys
import warnings
from typing import Any

import click

from motionrehab.cli.lazy import LazyGroup
from motionrehab.errors import MotionRehabError, MotionRehabWarning, SafetyStop

COMMANDS = {
    "demo": "motionrehab.cli.demo:demo",
    "pose": "motionrehab.cli.pose:pose",
    "doctor": "motionrehab.cli.doctor:doctor",
    "angles": "motionrehab.cli.angles:angles",
    "analyze": "motionrehab.cli.analyze:analyze",
    "measure": "motionrehab.cli.measure:measure",
    "sensors": "motionrehab.cli.sensors:sensors",
    "program": "motionrehab.cli.program:program",
    "checkin": "motionrehab.cli.checkin:checkin",
    "adherence": "motionrehab.cli.adherence:adherence",
    "progress": "motionrehab.cli.progress:progress",
    "export": "motionrehab.cli.export:export",
    "import": "motionrehab.cli.import_record:import_",
    "report": "motionrehab.cli.report:report",
    "session": "motionrehab.cli.session:session",
    "forget": "motionrehab.cli.forget:forget",
    "log": "motionrehab.cli.log:log",
    "today": "motionrehab.cli.today:today",
    "batch": "motionrehab.cli.batch:batch",
    "migrate": "motionrehab.cli.migrate:migrate",
    "serve": "motionrehab.cli.serve:serve",
    "clinician": "motionrehab.cli.clinician:clinician",
}


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    # Looked up only when asked: importlib.metadata is slow to load.
    from motionrehab import __version__

    click.echo(f"motionrehab, version {__version__}")
    ctx.exit()


@click.group(cls=LazyGroup, lazy_commands=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_print_version, help="Show the version and exit.")
def cli() -> None:
    """Measure rehabilitation exercise with a webcam and optional Bluetooth LE sensors.

    Start with `motionrehab demo` (no camera needed).
    """


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit status (0 ok, 2 bad input, 3 safety stop or, for batch, some recordings failed)."""
    with warnings.catch_warnings():
        # Our warnings are one line for a person; numpy's arithmetic RuntimeWarnings (mean of
        # nothing, 0/0) are not for the user: the results say in words what was not measured.
        warnings.simplefilter("always", MotionRehabWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        shown: set[str] = set()

        def show(message: Warning | str, category: type[Warning], *_args: Any, **_kwargs: Any) -> None:
            if str(message) not in shown:  # once per command, wherever it was raised
                shown.add(str(message))
                click.echo(f"warning: {message}", err=True)

        warnings.showwarning = show
        return _run(argv)


def _run(argv: list[str] | None) -> int:
    try:
        # Without standalone mode click returns (not raises) the status of ctx.exit(n) / Exit(n).
        status = cli.main(args=argv, prog_name="motionrehab", standalone_mode=False)
    except SafetyStop as stop:
        click.echo(str(stop), err=True)
        return 3
    except MotionRehabError as error:
        click.echo(f"error: {error.one_line()}", err=True)
        return 2
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return 1
    except click.ClickException as error:
        error.show()
        return error.exit_code
    except click.exceptions.Exit as done:
        return int(done.exit_code)
    return status if isinstance(status, int) and not isinstance(status, bool) else 0


if __name__ == "__main__":
    sys.exit(main())
