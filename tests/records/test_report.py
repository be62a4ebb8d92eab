"""The recheck report renders: plots with axes, units and legends; verdicts right; readable as a person sees it."""

import os
import shutil
import stat
import subprocess
from datetime import date, datetime, timedelta, timezone

import pytest

from motionrehab.records.report import (
    ChangeVerdict,
    FlaggedEvent,
    ProgressionRecord,
    RecheckData,
    VisitMeasurement,
    WeekSummary,
    chromium_executable,
    render_recheck_html,
    write_recheck_report,
)


def sample_data() -> RecheckData:
    start = date(2026, 9, 7)
    weeks = [
        WeekSummary(i + 1, start + timedelta(weeks=i), 2000 + 200 * i, 70 + 2 * i, 5 - 0.3 * i, 6 - 0.3 * i, 5, 6)
        for i in range(6)
    ]
    measurements = [
        VisitMeasurement(date(2026, 9, 7), "slr_peak_deg", "left", 48.0, 2.1, "deg"),
        VisitMeasurement(date(2026, 9, 7), "slr_peak_deg", "right", 71.0, 1.5, "deg"),
        VisitMeasurement(date(2026, 10, 19), "slr_peak_deg", "left", 58.5, 1.8, "deg"),
        VisitMeasurement(date(2026, 10, 19), "slr_peak_deg", "right", 72.0, 1.2, "deg"),
    ]
    verdicts = [
        ChangeVerdict("SLR left (deg)", 48.0, 58.5, 5.2, "MDC95", "higher"),
        ChangeVerdict("SLR right (deg)", 71.0, 72.0, 3.9, "MDC95", "higher"),
        ChangeVerdict("ODI (%)", 38.0, 24.0, 10.0, "MCID", "lower"),
    ]
    return RecheckData(
        pseudonym="PT-7F3A",
        generated=datetime(2026, 10, 19, 10, 0, tzinfo=timezone.utc),
        period_start=start,
        period_end=date(2026, 10, 19),
        compare_visit=date(2026, 9, 7),
        latest_visit=date(2026, 10, 19),
        measurements=measurements,
        weeks=weeks,
        verdicts=verdicts,
        events=[FlaggedEvent(datetime(2026, 9, 23, tzinfo=timezone.utc), "flare_up", "pain rose from 3 to 6 after walking")],
        decisions=[ProgressionRecord(date(2026, 9, 28), "walking", "progress", "milestone met and pain settled by next morning")],
    )


def test_verdicts_use_the_threshold_and_direction():
    left, right, odi = sample_data().verdicts
    assert (left.change, left.verdict) == (10.5, "improved")
    assert right.verdict == "no real change"
    assert odi.verdict == "improved"  # lower ODI is better
    assert ChangeVerdict("x", 50, 40, 5, "MDC95", "higher").verdict == "worse"


def test_html_has_every_section_plot_axes_units_and_legends():
    html = render_recheck_html(sample_data())
    assert html.count("<svg") == 4
    for text in ["SLR peak hip flexion (deg)", "walking distance (m)", "adherence (0-100)", "pain NRS (0-10)",
                 "visit date", "program week", "left leg", "right leg", "mean before sessions"]:
        assert text in html, text
    for section in ["What changed", "Latest measurements", "Trends", "Flagged events", "Progression decisions"]:
        assert section in html
    assert "PT-7F3A" in html and "+10.5" in html and "MDC95 5.2" in html and "SLR peak" in html and "slr_peak_deg<" not in html
    assert 'name="viewport"' in html and "@media print" in html


def test_empty_record_renders_plain_sentences():
    data = sample_data()
    empty = RecheckData(data.pseudonym, data.generated, data.period_start, data.period_end, None, None)
    html = render_recheck_html(empty)
    assert "Only one visit so far" in html and "No sessions recorded" in html and "<svg" not in html


@pytest.mark.skipif(chromium_executable() is None, reason="Chromium is not installed (CI installs it)")
def test_report_renders_to_pdf_and_screenshot_as_a_person_sees_it(tmp_path):
    written = write_recheck_report(sample_data(), tmp_path / "report.html", pdf=True)
    html, pdf = written
    assert stat.S_IMODE(os.stat(html).st_mode) == 0o600 and stat.S_IMODE(os.stat(pdf).st_mode) == 0o600
    assert pdf.read_bytes()[:5] == b"%PDF-"
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "40", str(pdf), str(tmp_path / "page")], check=True, timeout=60)
        pages = sorted(tmp_path.glob("page*.png"))
        assert 1 <= len(pages) <= 6
    # a phone-sized screenshot: the page lays out at 390 px wide
    shot = tmp_path / "phone.png"
    subprocess.run(
        [chromium_executable(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
         "--window-size=390,2400", f"--screenshot={shot}", html.resolve().as_uri()],
        check=True, capture_output=True, timeout=120,
    )
    assert shot.stat().st_size > 20_000  # a blank page compresses to a few kB
