"""The recheck report: what was done, how well, what changed, and whether the change is real.

``render_recheck_html(data)`` turns a RecheckData (assembled from the session store by
records.recheck.recheck_data) into one self-contained HTML page: plots are inline SVG (sharp on a
phone, printable), the layout is a single column that reads on a 360 px wide screen, and
a print stylesheet keeps tables and plots whole on A4. ``write_recheck_report`` writes it
with owner-only permissions and, on request, a PDF printed by headless Chromium.

The report never says more than the data: verdicts come precomputed (change against the
MDC for measured values, against the MCID for patient-reported ones) and each says which
threshold it used.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import jinja2

from motionrehab._files import write_private_bytes, write_private_text
from motionrehab.errors import MotionRehabError
from motionrehab.program.measurements import quantity

if TYPE_CHECKING:
    import matplotlib.pyplot as plt

#: clinic words for the measurement kinds stored by the program
MEASURE_LABELS: dict[str, str] = {
    "slr_peak_deg": "SLR peak",
    "slr_onset_deg": "SLR angle at symptom onset",
    "slump_knee_extension_deficit_deg": "Slump: knee extension deficit",
    "walking_distance_m": "Walking distance",
    "walking_tolerance_m": "Walking tolerance (distance before pain)",
    "cadence_steps_per_min": "Cadence",
    "gait_speed_m_per_s": "Walking speed",
    "stride_length_m": "Stride length",
    "hinge_trunk_inclination_deg": "Hip hinge trunk inclination",
}


def measure_label(kind: str) -> str:
    """A measure's short clinic label: MEASURE_LABELS, else the vocabulary's label (program.measurements)."""
    if kind in MEASURE_LABELS:
        return MEASURE_LABELS[kind]
    registered = quantity(kind)
    return registered.label if registered is not None else kind.replace("_", " ")


@dataclass(frozen=True)
class VisitMeasurement:
    """One clinic measurement at one visit (e.g. SLR peak, one side).

    Attributes:
        visit_date: date of the visit.
        kind: what was measured, e.g. 'slr_peak_deg'.
        side: 'left', 'right' or None.
        value: the mean of the valid trials, in the kind's unit.
        sd: standard deviation of the trials (None for a single value).
        unit: unit text, e.g. 'deg'.
    """

    visit_date: date
    kind: str
    side: str | None
    value: float
    sd: float | None
    unit: str

    @property
    def label(self) -> str:
        """The measure in the clinic's words, e.g. 'SLR peak'."""
        return measure_label(self.kind)


@dataclass(frozen=True)
class WeekSummary:
    """One week of the home program.

    Attributes:
        week_index: 1-based week of the program.
        week_start: the Monday (or first day) of the week.
        walking_distance_m: metres walked in recorded sessions that week.
        adherence_score: composite adherence 0-100 (None when nothing was prescribed).
        pain_mean_nrs: mean pre-session pain NRS 0-10 (None when no check-in).
        pain_max_nrs: highest pain NRS of the week.
        sessions_done: sessions recorded.
        sessions_prescribed: sessions the prescription asked for.
        walking_tolerance_m: the longest walking tolerance measured that week (None when not measured).
    """

    week_index: int
    week_start: date
    walking_distance_m: float
    adherence_score: float | None
    pain_mean_nrs: float | None
    pain_max_nrs: float | None
    sessions_done: int
    sessions_prescribed: int
    walking_tolerance_m: float | None = None


@dataclass(frozen=True)
class ChangeVerdict:
    """Latest vs previous value of one measure, and whether the change is real.

    Attributes:
        measure: plain name, e.g. 'SLR left (deg)' or 'ODI (%)'.
        previous, latest: the two values.
        threshold: the MDC95 (measured) or MCID (reported) the change is compared with.
        threshold_kind: 'MDC95' or 'MCID'.
        better_when: 'higher' or 'lower' (which direction is improvement).
        previous_on, latest_on: the days the two values are from (None: not known).
    """

    measure: str
    previous: float
    latest: float
    threshold: float
    threshold_kind: str
    better_when: str
    previous_on: date | None = None
    latest_on: date | None = None

    @property
    def change(self) -> float:
        """Latest minus previous."""
        return self.latest - self.previous

    @property
    def exceeds_threshold(self) -> bool:
        """True when the absolute change is at least the threshold."""
        return abs(self.change) >= self.threshold

    @property
    def verdict(self) -> str:
        """'improved', 'worse' or 'no real change' (within the threshold)."""
        if not self.exceeds_threshold:
            return "no real change"
        improved = self.change > 0 if self.better_when == "higher" else self.change < 0
        return "improved" if improved else "worse"


@dataclass(frozen=True)
class FlaggedEvent:
    """Something the clinician must see: a red flag, a flare-up, a pacing failure.

    Attributes:
        when: when it happened.
        kind: 'red_flag', 'flare_up' or 'pacing_failure'.
        description: plain words, generated by the program (never free text from the patient).
    """

    when: datetime
    kind: str
    description: str


@dataclass(frozen=True)
class ProgressionRecord:
    """A progression decision the program took.

    Attributes:
        decided_on: the date of the decision.
        exercise: the exercise concerned.
        action: 'progress', 'hold' or 'step_back'.
        reason: the reason in words.
    """

    decided_on: date
    exercise: str
    action: str
    reason: str


@dataclass(frozen=True)
class RecheckData:
    """Everything the recheck report shows, for one pseudonymous patient."""

    pseudonym: str
    generated: datetime
    period_start: date
    period_end: date
    compare_visit: date | None
    latest_visit: date | None
    measurements: Sequence[VisitMeasurement] = field(default_factory=tuple)
    weeks: Sequence[WeekSummary] = field(default_factory=tuple)
    verdicts: Sequence[ChangeVerdict] = field(default_factory=tuple)
    events: Sequence[FlaggedEvent] = field(default_factory=tuple)
    decisions: Sequence[ProgressionRecord] = field(default_factory=tuple)
    notes: Sequence[str] = field(default_factory=tuple)  # about the comparison (measures not judged, and why)
    decisions_note: str = ""  # about the decisions listed (e.g. how many 'hold' decisions are left out)
    first_visit: bool = False  # every measurement is from one day: a baseline, nothing to compare
    stalls: Sequence[str] = field(default_factory=tuple)  # stalled progress (program.stalls), with suggestions


_SIDE_STYLE = {"left": ("#1f77b4", "o"), "right": ("#d62728", "s"), None: ("#444444", "^")}


def _pyplot() -> ModuleType:
    """The pyplot module on the Agg backend (no screen: SVG in memory), imported on first use so `--help` stays fast."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot

    return matplotlib.pyplot


def _legend_below(axes: plt.Axes, offset: float = -0.25) -> None:
    # Below the x axis label, so the legend never hides a data point (the SVG is cropped to fit it).
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, offset), ncol=3, fontsize=9, frameon=False)


def _svg(figure: plt.Figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    _pyplot().close(figure)
    text = buffer.getvalue()
    return text[text.index("<svg") :]  # drop the XML prologue: the SVG is inlined in HTML


def plot_slr_over_visits(measurements: Sequence[VisitMeasurement]) -> str | None:
    """SVG: SLR peak angle (mean +/- SD of valid trials) per side over visits; None when no SLR."""
    slr = [m for m in measurements if m.kind == "slr_peak_deg"]
    if not slr:
        return None
    import matplotlib.dates

    figure, axes = _pyplot().subplots(figsize=(5.0, 3.0))
    for side in ("left", "right", None):
        points = sorted((m for m in slr if m.side == side), key=lambda m: m.visit_date)
        if not points:
            continue
        colour, marker = _SIDE_STYLE[side]
        axes.errorbar(
            matplotlib.dates.date2num([m.visit_date for m in points]),
            [m.value for m in points],
            yerr=[m.sd or 0.0 for m in points],
            color=colour, marker=marker, capsize=4, label=f"{side or 'unspecified'} leg",
        )  # fmt: skip
    axes.axhspan(70, 90, color="#2ca02c", alpha=0.08, label="typical range 70-90 deg")  # docs/clinical-terms.md section 1
    axes.xaxis_date()
    axes.set_xlabel("visit date")
    axes.set_ylabel("SLR peak hip flexion (deg)")
    with_sd = any(m.sd is not None for m in slr)
    axes.set_title("Straight leg raise per side" + (" (mean ± SD of valid trials)" if with_sd else " (one value per day)"), fontsize=10)
    figure.autofmt_xdate()
    _legend_below(axes, offset=-0.42)
    axes.grid(alpha=0.3)
    return _svg(figure)


def plot_weekly(weeks: Sequence[WeekSummary], attribute: str, ylabel: str, title: str, *, bars: bool, ylim: tuple[float, float] | None = None) -> str | None:
    """SVG: one weekly series (bars or a line); None when the series is empty."""
    points = [(w.week_index, getattr(w, attribute)) for w in weeks if getattr(w, attribute) is not None]
    if not points:
        return None
    figure, axes = _pyplot().subplots(figsize=(5.0, 2.6))
    x = [p[0] for p in points]
    y = [p[1] for p in points]
    if bars:
        axes.bar(x, y, color="#1f77b4", label=ylabel)
    else:
        axes.plot(x, y, marker="o", color="#1f77b4", label=ylabel)
    axes.set_xlabel("program week")
    axes.set_ylabel(ylabel)
    axes.set_title(title)
    if ylim:
        axes.set_ylim(*ylim)
    axes.set_xticks(x)
    _legend_below(axes)
    axes.grid(alpha=0.3)
    return _svg(figure)


def plot_pain(weeks: Sequence[WeekSummary]) -> str | None:
    """SVG: weekly mean and highest pain NRS (0-10); None when no check-ins."""
    points = [w for w in weeks if w.pain_mean_nrs is not None]
    if not points:
        return None
    figure, axes = _pyplot().subplots(figsize=(5.0, 2.6))
    x = [w.week_index for w in points]
    mean = [float("nan") if w.pain_mean_nrs is None else w.pain_mean_nrs for w in points]
    highest = [float("nan") if w.pain_max_nrs is None else w.pain_max_nrs for w in points]
    axes.plot(x, mean, marker="o", color="#1f77b4", label="mean before sessions")
    axes.plot(x, highest, marker="^", linestyle="--", color="#d62728", label="highest")
    axes.set_ylim(0, 10)
    axes.set_xticks(x)
    axes.set_xlabel("program week")
    axes.set_ylabel("pain NRS (0-10)")
    axes.set_title("Pain per week")
    _legend_below(axes)
    axes.grid(alpha=0.3)
    return _svg(figure)


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("motionrehab.records", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
    )


def render_recheck_html(data: RecheckData) -> str:
    """The recheck report as one self-contained HTML page."""
    plots = [
        plot_slr_over_visits(data.measurements),
        plot_weekly(data.weeks, "walking_distance_m", "walking distance (m)", "Walking distance per week", bars=True),
        plot_weekly(data.weeks, "walking_tolerance_m", "walking tolerance (m)", "Walking tolerance per week (distance before pain)", bars=False),
        plot_weekly(data.weeks, "adherence_score", "adherence (0-100)", "Adherence per week", bars=False, ylim=(0, 100)),
        plot_pain(data.weeks),
    ]
    # The latest value of each measure (a home program measures different things on different days).
    newest: dict[tuple[str, str | None], VisitMeasurement] = {}
    for m in sorted(data.measurements, key=lambda m: m.visit_date):
        newest[(m.kind, m.side)] = m
    latest = sorted(newest.values(), key=lambda m: (m.label, m.side or ""))
    return _environment().get_template("recheck.html").render(
        data=data, plots=[p for p in plots if p], latest=latest
    )


def chromium_executable() -> str | None:
    """Path of a Chromium/Chrome binary, or None."""
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def html_to_pdf(html_path: Path, pdf_path: Path, *, timeout_s: float = 120.0) -> Path:
    """Print an HTML file to PDF with headless Chromium (owner-only permissions)."""
    browser = chromium_executable()
    if browser is None:
        raise MotionRehabError(
            "cannot make the PDF: no Chromium browser found",
            where=str(pdf_path),
            fix="install Chromium (Debian: apt-get install chromium) or use the HTML report and print it from a browser",
        )
    with tempfile.TemporaryDirectory() as profile:
        out = Path(profile) / "report.pdf"
        command = [
            browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={profile}", "--no-pdf-header-footer", f"--print-to-pdf={out}",
            html_path.resolve().as_uri(),
        ]  # fmt: skip
        result = subprocess.run(command, capture_output=True, timeout=timeout_s, check=False)
        if result.returncode != 0 or not out.is_file():
            raise MotionRehabError(
                f"Chromium could not print the report (exit {result.returncode})",
                where=str(pdf_path),
                fix="open the HTML report in a browser and print it to PDF",
            )
        write_private_bytes(pdf_path, out.read_bytes())
    return pdf_path


def write_recheck_report(data: RecheckData, out_path: str | os.PathLike[str], *, pdf: bool = False) -> list[Path]:
    """Write the report as HTML (and a PDF beside it when ``pdf``). Returns the files written."""
    html_path = Path(out_path)
    write_private_text(html_path, render_recheck_html(data))
    written = [html_path]
    if pdf:
        written.append(html_to_pdf(html_path, html_path.with_suffix(".pdf")))
    return written
