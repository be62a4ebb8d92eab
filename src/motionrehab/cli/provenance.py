"""One decorator for every analysis command: ``--config FILE.toml`` and a ``provenance.json`` beside the results.

Apply it as the last decorator before the function (one line per command)::

    @click.command(name="hip-hinge")
    @click.argument("input_arg", metavar="INPUT")
    @click.option(...)
    @analysis_command
    def hip_hinge(...): ...

``--config FILE.toml`` takes the command's own options by name (``target_depth_deg = 70`` or
``target-depth-deg = 70``; a table named after the command, e.g. ``[hip-hinge]``, overrides the
top level, so one file can serve several commands). Flags on the command line win over the
file, and the file over the defaults: the convention of Sports2D and Pose2Sim. An unknown key
is an error naming the known ones.

After a successful run whose results went to a folder (``--out DIR``), the folder gets
``provenance.json``: motionrehab's version, the command line and every option's value, the
SHA-256 of each input file (and of the config file), the SHA-256 of the pose model when the
input was a video or a camera, the time (UTC) and the Python and platform. With ``--out FILE``
the record is ``FILE.provenance.json`` beside the file (a shared folder keeps one per result).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import platform
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from motionrehab.errors import InvalidDataError, MotionRehabError

PROVENANCE_NAME = "provenance.json"
_CHUNK = 1 << 20


def sha256_file(path: Path) -> str:
    """The file's SHA-256, hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _load_config(ctx: click.Context, _param: click.Parameter, value: Path | None) -> Path | None:
    if value is None or ctx.resilient_parsing:
        return value
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        data = tomllib.loads(value.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidDataError(f"cannot read the config file ({error})", where=str(value), fix="check the path") from error
    except tomllib.TOMLDecodeError as error:
        raise InvalidDataError(f"not a valid TOML file: {error}", where=str(value), fix="see docs/config-and-provenance.md for an example") from error
    command = ctx.command
    # A key is an option's flag (json, out, pain-onset-s) or its parameter name (as_json, out_dir), - or _.
    names: dict[str, str] = {}
    for param in command.params:
        if not param.name or param.name == "config":
            continue
        names[param.name] = param.name
        for flag in param.opts if isinstance(param, click.Option) else ():
            names[flag.lstrip("-").replace("-", "_")] = param.name
    section = data.get(command.name or "", {}) if isinstance(data.get(command.name or ""), dict) else {}
    merged: dict[str, Any] = {}
    for key, item in [*((k, v) for k, v in data.items() if not isinstance(v, dict)), *section.items()]:
        name = names.get(str(key).replace("-", "_"))
        if name is None:
            known = ", ".join(sorted(p.opts[0].lstrip("-") for p in command.params if isinstance(p, click.Option) and p.name != "config"))
            raise InvalidDataError(f"'{key}' is not an option of `{ctx.command_path}`", where=str(value), fix=f"use one of: {known}")
        merged[name] = item
    ctx.default_map = {**(ctx.default_map or {}), **merged}
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value if value is None or isinstance(value, (str, int, float, bool)) else str(value)


def _input_files(params: dict[str, Any]) -> dict[str, str]:
    found: dict[str, str] = {}
    for name, value in params.items():
        if name.startswith("out") or name.startswith("save") or value is None:
            continue
        for item in value if isinstance(value, (list, tuple)) else [value]:
            if isinstance(item, (str, Path)) and str(item) and Path(item).is_file():
                found[str(item)] = sha256_file(Path(item))
    return found


def _pose_model(params: dict[str, Any]) -> dict[str, str] | None:
    """The pose model's path and checksum when INPUT was a video or camera (a pose CSV needs none)."""
    source = str(params.get("input_arg") or params.get("input_path") or "")
    if not source or source.lower().endswith(".csv") or "pose_model" not in params:
        return None
    from motionrehab.capture.model_files import resolve_pose_model

    try:
        model = resolve_pose_model(params.get("pose_model"), allow_download=False)
    except MotionRehabError:
        return None
    return {"path": str(model.path), "sha256": sha256_file(Path(model.path))}


def _output_target(params: dict[str, Any]) -> Path | None:
    for name, value in params.items():
        if name.startswith("out") and isinstance(value, Path) and value.exists():
            return value / PROVENANCE_NAME if value.is_dir() else value.with_name(value.name + ".provenance.json")
    return None


def write_provenance(ctx: click.Context, params: dict[str, Any]) -> Path | None:
    """Write the provenance record for this run beside its outputs; returns its path (None without an output)."""
    target = _output_target(params)
    if target is None:
        return None
    from motionrehab import __version__
    from motionrehab._files import write_private_text

    record = {
        "motionrehab_version": __version__,
        "command": ctx.command_path,
        "argv": list(sys.argv[1:]),
        "options": {name: _plain(value) for name, value in params.items()},
        "config_file": _plain(params.get("config")),
        "input_sha256": _input_files(params),
        "pose_model": _pose_model(params),
        "created_utc": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    return write_private_text(target, json.dumps(record, indent=2) + "\n")


def analysis_command(function: Callable[..., Any]) -> Callable[..., Any]:
    """Give a click command function ``--config FILE.toml`` and a provenance record (see the module docstring)."""

    @functools.wraps(function)
    def run(**params: Any) -> Any:
        plot = params.pop("plot", False)
        target = next((v for n, v in params.items() if n.startswith("out") and v is not None), None)
        if plot and target is None:
            raise InvalidDataError("--plot needs an output folder", where="--plot", fix="add --out DIR: the pictures are written beside the results")
        result = function(**{name: value for name, value in params.items() if name != "config"})
        write_provenance(click.get_current_context(), {**params, "plot": plot})
        if plot and target is not None:
            from motionrehab.records.plots import write_plots

            folder = Path(target) if Path(target).is_dir() else Path(target).parent
            written = write_plots(result, folder)
            click.echo(f"plots: {', '.join(p.name for p in written)}" if written else "--plot: no picture for this analysis yet", err=True)
        return result

    config = click.option("--config", type=click.Path(exists=True, dir_okay=False, path_type=Path), is_eager=True, callback=_load_config,
                          help="A TOML file with this command's options by name (flags given here win).")  # fmt: skip
    plot = click.option("--plot", is_flag=True, help="Also draw the analysis as PNG pictures beside the results (needs --out).")
    return config(plot(run))
