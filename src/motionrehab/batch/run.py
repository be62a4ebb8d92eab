"""A batch: many recordings, one task, results kept as each finishes (docs/batch.md).

The parent process (this module) finds the inputs, decides what is already done, hands the
rest to an engine (local pool or Dask), and is the only writer: the per-recording folders
``DIR/<stem>/``, the session store, and at the end ``summary.csv``, ``failures.csv`` and
``results.parquet``. Every file is written to a temporary name and renamed into place, so a
crash, a kill or Ctrl-C leaves each recording either finished (its ``batch_result.json``
exists) or not started; a rerun does only what is not finished.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import os
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from motionrehab._files import PRIVATE_DIR_MODE, open_private
from motionrehab.batch.engines import Engine
from motionrehab.batch.tasks import TASKS, Figure, Recording
from motionrehab.batch.worker import JobResult
from motionrehab.errors import InputFileError

#: the file in DIR/<stem>/ that says a recording is finished (written last, atomically)
MARKER = "batch_result.json"
#: the exit status of a batch in which some recordings failed (documented in docs/batch.md)
EXIT_SOME_FAILED = 3
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class BatchItem:
    """One recording of the batch: where its results go and who it belongs to."""

    input: str
    stem: str
    recording: Recording
    patient: str | None = None


@dataclass(frozen=True)
class ItemResult:
    """A recording's row of the summary."""

    item: BatchItem
    status: str  # ok | failed | skipped
    seconds: float
    figures: Mapping[str, Figure] = field(default_factory=dict)
    error: str = ""


@dataclass(frozen=True)
class BatchSummary:
    """What a batch did (also printed by ``motionrehab batch --json``)."""

    out_dir: Path
    engine: str
    results: tuple[ItemResult, ...]
    wall_s: float
    interrupted: bool = False
    stored: int = 0

    def count(self, status: str) -> int:
        """How many recordings have this status."""
        return sum(r.status == status for r in self.results)

    @property
    def exit_status(self) -> int:
        """0 when every recording is ok (done now or before), 3 when some failed."""
        return EXIT_SOME_FAILED if self.count("failed") else 0

    def to_json_dict(self) -> dict[str, Any]:
        """The summary as JSON-ready values."""
        return {
            "out_dir": str(self.out_dir), "engine": self.engine, "wall_s": round(self.wall_s, 2),
            "ok": self.count("ok"), "failed": self.count("failed"), "skipped": self.count("skipped"),
            "interrupted": self.interrupted, "stored_measurements": self.stored,
            "recordings": [{"input": r.item.input, "task": r.item.recording.task, "output": r.item.stem, "status": r.status,
                            "seconds": round(r.seconds, 6), **({"error": r.error} if r.error else {}), "figures": dict(r.figures)}
                           for r in self.results],
        }  # fmt: skip


# ----------------------------------------------------------------------------- finding the inputs


def _read_csv_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            lines = [line for line in handle if not line.startswith("#")]
    except UnicodeDecodeError:
        raise InputFileError("the file is not UTF-8 text", where=str(path), fix="save it as UTF-8 CSV") from None
    except OSError as error:
        raise InputFileError(f"cannot read: {error.strerror}", where=str(path)) from None
    reader = csv.DictReader(lines)
    rows = [{(k or "").strip(): (v or "").strip() for k, v in row.items()} for row in reader]
    return [name.strip() for name in (reader.fieldnames or [])], rows


def is_manifest(path: Path) -> bool:
    """True when ``path`` is a CSV whose header has a ``path`` column (a batch manifest)."""
    if path.suffix.lower() != ".csv" or not path.is_file():
        return False
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            for line in handle:
                if line.startswith("#") or not line.strip():
                    continue
                return "path" in [name.strip() for name in next(csv.reader([line]))]
    except (OSError, UnicodeDecodeError):
        return False
    return False


def read_patient_map(path: str | os.PathLike[str]) -> dict[str, str]:
    """A CSV with columns ``path`` (or ``input``) and ``patient``: recording -> pseudonymous patient id.

    Keys are the resolved path and the file name, so a map can name files either way.
    """
    source = Path(path)
    names, rows = _read_csv_rows(source)
    key = "path" if "path" in names else "input" if "input" in names else None
    if key is None or "patient" not in names:
        raise InputFileError("a patient map needs the columns path (or input) and patient", where=str(source),
                             fix="first row: path,patient; then one recording per row with its pseudonymous patient id")  # fmt: skip
    mapping: dict[str, str] = {}
    for row in rows:
        if row.get(key) and row.get("patient"):
            file = Path(row[key]) if Path(row[key]).is_absolute() else source.parent / row[key]
            mapping[str(file.resolve())] = row["patient"]
            mapping[Path(row[key]).name] = row["patient"]
    return mapping


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def _scan(folder: Path, suffixes: Sequence[str], skip: Sequence[Path]) -> list[Path]:
    found = []
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).parts
        if any(part.startswith(".") for part in relative) or not path.is_file():
            continue
        if path.suffix.lower() in suffixes and not any(_inside(path, s) or path.resolve() == s.resolve() for s in skip):
            found.append(path)
    return found


def collect_inputs(
    inputs: Sequence[str | os.PathLike[str]],
    *,
    task: str,
    out_dir: str | os.PathLike[str],
    side: str | None = None,
    options: Mapping[str, str] | None = None,
    patient_map: Mapping[str, str] | None = None,
    pose_model: str | None = None,
    skip: Sequence[Path] = (),
) -> list[BatchItem]:
    """The recordings named by INPUT arguments: files, folders (recursed) and manifest CSVs.

    A manifest has a ``path`` column (relative to the manifest's folder) and optionally
    ``patient``, ``task``, ``side`` and option columns (e.g. ``target_depth_deg``, ``height_m``).
    Folders give the files the task reads (by suffix), skipping hidden files and ``out_dir``.
    Each recording gets a unique output folder name (its file stem, made safe; a short hash
    of its path when two stems clash), checked to stay inside ``out_dir``.
    """
    if task not in TASKS:
        raise InputFileError(f"no batch task named {task!r}", where="--task", fix=f"use one of: {', '.join(sorted(TASKS))}")
    out = Path(out_dir)
    skip = [out, *skip]
    patient_map = patient_map or {}
    entries: list[tuple[Path, str, str | None, dict[str, str], str | None]] = []

    def add(path: Path, row_task: str, row_side: str | None, row_options: dict[str, str], patient: str | None) -> None:
        if row_task not in TASKS:
            raise InputFileError(f"no batch task named {row_task!r}", where=str(path), fix=f"use one of: {', '.join(sorted(TASKS))}")
        unknown = sorted(set(row_options) - set(TASKS[row_task].options))
        if unknown:
            known = ", ".join(TASKS[row_task].options) or "none"
            raise InputFileError(f"{', '.join(unknown)}: not an option of the task {row_task!r}", where=str(path),
                                 fix=f"its options are: {known} (check the manifest's column names and --option)")  # fmt: skip
        if path.is_dir():
            for file in _scan(path, TASKS[row_task].suffixes, skip):
                add(file, row_task, row_side, row_options, patient)
            return
        who = patient or patient_map.get(str(path.resolve())) or patient_map.get(path.name)
        entries.append((path, row_task, row_side, row_options, who))

    for given in inputs:
        path = Path(given)
        if path.is_file() and is_manifest(path):
            names, rows = _read_csv_rows(path)
            for number, row in enumerate(rows, start=2):
                if not row.get("path"):
                    raise InputFileError("a manifest row has no path", where=f"{path}, row {number}", fix="fill the path column or delete the row")
                target = Path(row["path"]) if Path(row["path"]).is_absolute() else path.parent / row["path"]
                extra = {k: v for k, v in row.items() if k not in ("path", "patient", "task", "side") and v != ""}
                add(target, row.get("task") or task, row.get("side") or side, {**(options or {}), **extra}, row.get("patient") or None)
        else:
            add(path, task, side, dict(options or {}), None)

    unique: dict[tuple[str, str, str | None, str], tuple[Path, str, str | None, dict[str, str], str | None]] = {}
    for entry in entries:
        path, row_task, row_side, row_options, _ = entry
        unique.setdefault((str(path.resolve()), row_task, row_side, json.dumps(row_options, sort_keys=True)), entry)
    stems: dict[str, int] = {}
    for path, *_ in unique.values():
        stems[_safe_stem(path)] = stems.get(_safe_stem(path), 0) + 1
    items: list[BatchItem] = []
    for key, (path, row_task, row_side, row_options, patient) in unique.items():
        stem = _safe_stem(path)
        if stems[stem] > 1:  # two files of one name: a short hash of the path keeps each folder apart, run after run
            stem = f"{stem}-{hashlib.sha1('|'.join(map(str, key)).encode()).hexdigest()[:8]}"
        if not _inside(out / stem, out) or (out / stem).resolve() == out.resolve():
            raise InputFileError(f"the output folder name {stem!r} would leave {out}", where=str(path), fix="rename the file")
        recording = Recording(path=str(path), task=row_task, side=row_side, options=dict(row_options), pose_model=pose_model)
        items.append(BatchItem(input=str(path), stem=stem, recording=recording, patient=patient))
    return items


def _safe_stem(path: Path) -> str:
    stem = _SAFE.sub("_", path.stem).strip("._-")
    return stem or "recording"


# ----------------------------------------------------------------------------- writing, atomically


def _private_dirs(folder: Path) -> None:
    """Create ``folder`` and missing parents owner-only; an existing folder keeps its mode."""
    missing = []
    for candidate in (folder, *folder.parents):
        if candidate.exists():
            break
        missing.append(candidate)
    for candidate in reversed(missing):
        candidate.mkdir(mode=PRIVATE_DIR_MODE, exist_ok=True)
        os.chmod(candidate, PRIVATE_DIR_MODE)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path`` (owner-only), flush it to disk, rename it into place."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open_private(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def sha256_file(path: str | os.PathLike[str]) -> str:
    """'sha256:<hex>' of a file ('' when it cannot be read: the task then reports why)."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            while block := handle.read(1 << 20):
                digest.update(block)
    except OSError:
        return ""
    return f"sha256:{digest.hexdigest()}"


def _marker_fields(item: BatchItem, checksum: str) -> dict[str, Any]:
    return {"input": str(Path(item.input).resolve()), "task": item.recording.task, "side": item.recording.side,
            "options": dict(sorted(item.recording.options.items())), "checksum": checksum}  # fmt: skip


def _finished(out: Path, item: BatchItem, checksum: str) -> dict[str, Any] | None:
    """The marker of a finished recording whose input, task and options are unchanged, else None."""
    try:
        marker = json.loads((out / item.stem / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    same = all(marker.get(k) == v for k, v in _marker_fields(item, checksum).items())
    files_there = all((out / item.stem / name).is_file() for name in marker.get("files", []))
    return marker if same and checksum and marker.get("status") == "ok" and files_there else None


# ----------------------------------------------------------------------------- the batch


class _Store:
    """The one writer to the session store (opened on first use, in this process only)."""

    def __init__(self, url: str | None) -> None:
        self.url = url
        self._store: Any = None
        self.written = 0

    def write(self, patient: str, measurements: Iterable[Any], at: dt.datetime) -> None:
        if self._store is None:
            from motionrehab.records.store import SessionStore

            url = self.url
            if url and "://" not in url:
                url = f"sqlite:///{Path(url).expanduser().resolve()}"
            self._store = SessionStore(url)
        for m in measurements:
            self._store.add_measurement(patient, m.name, m.value, side=m.side, at=at)
            self.written += 1

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


def run_batch(
    items: Sequence[BatchItem],
    out_dir: str | os.PathLike[str],
    engine: Engine,
    *,
    force: bool = False,
    store_url: str | None = None,
    progress: Callable[[ItemResult], None] | None = None,
    on_start: Callable[[int, int], None] | None = None,
    close_engine: bool = True,
) -> BatchSummary:
    """Run ``items`` on ``engine``, keeping each result as it finishes; returns the summary.

    Recordings finished by an earlier run (same input checksum, task and options) are
    skipped unless ``force``. Recordings with a patient have their measurements written
    to the session store (``store_url``; default store otherwise) by this process only.
    ``on_start(to_run, skipped)`` is called once the skips are known; ``progress`` after
    each recording finishes. Ctrl-C stops the engine, writes the summary of what finished,
    and raises KeyboardInterrupt. ``close_engine=False`` keeps a local pool's workers for
    another batch (the benchmark's warm runs).
    """
    started = time.perf_counter()
    out = Path(out_dir)
    _private_dirs(out)
    with ThreadPoolExecutor(max_workers=2) as hashing:  # hashing reads files; threads overlap the reads
        checksums = list(hashing.map(lambda item: sha256_file(item.input), items))
    store = _Store(store_url)
    results: dict[int, ItemResult] = {}
    todo: list[int] = []
    for i, item in enumerate(items):
        marker = None if force else _finished(out, item, checksums[i])
        if marker is None:
            todo.append(i)
            continue
        if item.patient and marker.get("measurements") and not marker.get("stored"):
            _store_and_mark(out, item, marker, store)  # finished before, but the store write was interrupted
        results[i] = ItemResult(item, "skipped", float(marker.get("seconds", 0.0)), marker.get("figures", {}))
    if on_start is not None:
        on_start(len(todo), len(results))
    interrupted = False
    try:
        for position, result in engine.run([items[i].recording for i in todo]):
            i = todo[position]
            results[i] = _keep(out, items[i], checksums[i], result, store)
            if progress is not None:
                progress(results[i])
    except KeyboardInterrupt:
        interrupted = True
    finally:
        if close_engine or interrupted:
            engine.close()
        store.close()
    ordered = tuple(results[i] for i in sorted(results))
    summary = BatchSummary(out, engine.description, ordered, time.perf_counter() - started, interrupted, store.written)
    write_tables(summary)
    if interrupted:
        raise KeyboardInterrupt
    return summary


def _keep(out: Path, item: BatchItem, checksum: str, result: JobResult, store: _Store) -> ItemResult:
    """Write one recording's files and marker into DIR/<stem>/, then its measurements to the store."""
    folder = out / item.stem
    _private_dirs(folder)
    (folder / MARKER).unlink(missing_ok=True)  # not finished until the new marker is in place
    for name, data in result.files.items():
        write_atomic(folder / Path(name).name, data)
    if result.bug:
        write_atomic(folder / "error_traceback.txt", result.bug.encode())
    marker = {
        **_marker_fields(item, checksum),
        "status": "ok" if result.ok else "failed",
        "seconds": round(result.seconds, 6),
        "figures": result.figures,
        "error": result.error,
        "files": sorted(result.files),
        "patient": item.patient,
        "measurements": [{"name": m.name, "value": m.value, "side": m.side} for m in result.measurements],
        "stored": False,
        "finished_at": dt.datetime.now().replace(microsecond=0).isoformat(),
        "worker": result.worker,
    }
    write_atomic(folder / MARKER, (json.dumps(marker, indent=2) + "\n").encode())
    if result.ok and item.patient and result.measurements:
        _store_and_mark(out, item, marker, store)
    status = "ok" if result.ok else "failed"
    return ItemResult(item, status, result.seconds, result.figures if result.ok else {}, result.error)


def _store_and_mark(out: Path, item: BatchItem, marker: dict[str, Any], store: _Store) -> None:
    from motionrehab.batch.tasks import Measurement

    assert item.patient is not None
    at = dt.datetime.fromisoformat(marker["finished_at"]) if marker.get("finished_at") else dt.datetime.now().replace(microsecond=0)
    store.write(item.patient, [Measurement(m["name"], m["value"], m.get("side", "")) for m in marker["measurements"]], at)
    marker["stored"] = True
    write_atomic(out / item.stem / MARKER, (json.dumps(marker, indent=2) + "\n").encode())


# ----------------------------------------------------------------------------- summary tables


def _figure_columns(results: Iterable[ItemResult]) -> list[str]:
    columns: list[str] = []
    for result in results:
        columns.extend(name for name in result.figures if name not in columns)
    return columns


def _summary_rows(summary: BatchSummary) -> list[dict[str, Any]]:
    tasks = {r.item.recording.task for r in summary.results}
    patients = any(r.item.patient for r in summary.results)
    rows = []
    for r in summary.results:
        row: dict[str, Any] = {"input": r.item.input}
        if len(tasks) > 1:
            row["task"] = r.item.recording.task
        if patients:
            row["patient"] = r.item.patient or ""
        row.update({"status": r.status, "seconds": round(r.seconds, 6), "output": r.item.stem})
        rows.append(row)
    return rows


def write_tables(summary: BatchSummary) -> None:
    """DIR/summary.csv, DIR/failures.csv and the results as Parquet (one table per task)."""
    out = summary.out_dir
    columns = _figure_columns(summary.results)
    rows = _summary_rows(summary)
    for row, result in zip(rows, summary.results, strict=True):
        row.update({name: result.figures.get(name) for name in columns})
    head = list(rows[0]) if rows else ["input", "status", "seconds", "output"]
    write_atomic(out / "summary.csv", _csv_bytes(head, [[_cell(row.get(name)) for name in head] for row in rows]))
    failures = [[r.item.input, r.error] for r in summary.results if r.status == "failed"]
    write_atomic(out / "failures.csv", _csv_bytes(["input", "error"], failures))
    tasks = list(dict.fromkeys(r.item.recording.task for r in summary.results))
    for number, task in enumerate(tasks):
        of_task = [r for r in summary.results if r.item.recording.task == task]
        name = "results.parquet" if number == 0 else f"results-{task}.parquet"
        _write_parquet(out / name, of_task)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _csv_bytes(header: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    import io

    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return text.getvalue().encode("utf-8")


def _write_parquet(path: Path, results: Sequence[ItemResult]) -> None:
    import io

    import pyarrow as pa
    import pyarrow.parquet as pq

    columns: dict[str, list[Any]] = {
        "input": [r.item.input for r in results],
        "output": [r.item.stem for r in results],
        "task": [r.item.recording.task for r in results],
        "patient": [r.item.patient for r in results],
        "status": [r.status for r in results],
        "seconds": [float(r.seconds) for r in results],
        "error": [r.error or None for r in results],
    }
    for name in _figure_columns(results):
        columns[name] = [r.figures.get(name) for r in results]
    arrays = {name: _arrow_column(values) for name, values in columns.items()}
    buffer = io.BytesIO()
    pq.write_table(pa.table(arrays), buffer, compression="zstd")
    write_atomic(path, buffer.getvalue())


def _arrow_column(values: list[Any]) -> Any:
    import pyarrow as pa

    present = [v for v in values if v is not None]
    if any(isinstance(v, str) for v in present) or not present:
        return pa.array([None if v is None else str(v) for v in values], type=pa.string())
    if all(isinstance(v, bool) for v in present):
        return pa.array(values, type=pa.bool_())
    if all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return pa.array(values, type=pa.int64())
    return pa.array([None if v is None else float(v) for v in values], type=pa.float64())
