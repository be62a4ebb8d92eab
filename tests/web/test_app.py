"""The web view through its HTTP interface (Starlette's test client), on SQLite and PostgreSQL.

Every route, access rule and form: no page without login, a clinician cannot see or change
another's patient by URL, CSRF missing or wrong is refused, lock-out after repeated failed
sign-ins, audit rows written, a malformed prescription refused with its line numbers.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import re
import shutil
import time
import warnings
import zipfile
from html import unescape

import pytest
import sqlalchemy as sa
from itsdangerous import TimestampSigner
from web_fixture import (
    ADMIN,
    ANNA,
    BEN,
    EXAMPLE,
    LIGHT,
    OTHER,
    PASSWORD,
    PATIENT,
    SECRET,
    TODAY,
    add_troubled_patient,
    flagged_checkin,
    other_prescription_text,
)

with warnings.catch_warnings():  # Starlette 1.x suggests httpx2, which is not packaged yet; httpx works
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from motionrehab.measures.hip_hinge import FAULT_ADVICE
from motionrehab.program.prescription import parse_prescription
from motionrehab.program.proms import score_odi
from motionrehab.program.safety import RED_FLAG_IDS, CheckIn, evaluate_checkin
from motionrehab.records.accounts import Accounts, audit_log, clinicians
from motionrehab.web.app import SESSION_COOKIE, SESSION_IDLE_S
from motionrehab.web.patient_list import FLAG_ORDER
from motionrehab.web.security import AttemptLimiter

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(page_text: str) -> str:
    match = CSRF.search(page_text)
    assert match, "the page has no csrf_token field"
    return match.group(1)


def sign_in(client: TestClient, email: str, password: str = PASSWORD):
    token = csrf_of(client.get("/login").text)
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token}, follow_redirects=False)


@pytest.fixture
def client(app):
    return TestClient(app)


def as_user(app, email: str) -> TestClient:
    c = TestClient(app)
    assert sign_in(c, email).status_code == 303
    return c


def audit_rows(store, action: str, patient: str | None = None) -> list:
    query = sa.select(audit_log).where(audit_log.c.action == action).order_by(audit_log.c.id)
    if patient is not None:
        query = query.where(audit_log.c.patient == patient)
    with store.engine.connect() as conn:
        return conn.execute(query).all()


PAGES = ["/", "/patients", f"/patients/{PATIENT}", f"/patients/{PATIENT}/report", f"/patients/{PATIENT}/report.pdf",
         f"/patients/{PATIENT}/export/csv", f"/patients/{PATIENT}/export/fhir", "/audit"]  # fmt: skip


# -- sign-in, sessions --------------------------------------------------------------------
def test_no_page_and_no_action_without_login(client, web_store):
    for path in PAGES:
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/login", path
    before = len(web_store.measurements(PATIENT))
    token = csrf_of(client.get("/login").text)  # a valid CSRF token of an anonymous session is not a login
    for path, data in ((f"/patients/{PATIENT}/measurements", {"kind": "slr", "side": "left", "value_deg": "60"}),
                       (f"/patients/{PATIENT}/prescription", {}), (f"/patients/{PATIENT}/red-flags/1/review", {"outcome": "cleared", "note": "x"})):  # fmt: skip
        response = client.post(path, data={**data, "csrf_token": token}, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/login", path
    assert len(web_store.measurements(PATIENT)) == before


def test_login_form_and_session_cookie(client, web_store):
    page = client.get("/login").text
    assert 'name="email"' in page and 'name="password"' in page and 'type="hidden" name="csrf_token"' in page
    response = sign_in(client, ANNA)
    assert response.status_code == 303 and response.headers["location"] == "/patients"
    cookie = response.headers["set-cookie"].lower()
    assert cookie.startswith(SESSION_COOKIE) and "httponly" in cookie and "samesite=lax" in cookie and f"max-age={SESSION_IDLE_S}" in cookie
    assert client.get("/patients").status_code == 200
    assert client.get("/", follow_redirects=False).headers["location"] == "/patients"
    assert client.get("/login", follow_redirects=False).headers["location"] == "/patients"  # already signed in
    assert audit_rows(web_store, "login")[-1].actor == ANNA
    # A tampered cookie is not a session.
    value = client.cookies[SESSION_COOKIE]
    client.cookies.set(SESSION_COOKIE, value[:-3] + ("AAA" if not value.endswith("AAA") else "BBB"))
    assert client.get("/patients", follow_redirects=False).headers["location"] == "/login"


def _cookie(session: dict, signed_at: float) -> str:
    class Then(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(signed_at)

    data = base64.b64encode(json.dumps(session).encode())
    return Then(SECRET).sign(data).decode()


def test_sessions_expire(app, web_store):
    anna = Accounts(web_store).clinician(ANNA)
    now = time.time()
    good = {"uid": anna.id, "login_at": now - 60, "pw": anna.password_hash[-16:], "csrf": "t"}
    c = TestClient(app)
    c.cookies.set(SESSION_COOKIE, _cookie(good, now - 60))
    assert c.get("/patients", follow_redirects=False).status_code == 200  # the crafted cookie is accepted while fresh...
    c = TestClient(app)
    c.cookies.set(SESSION_COOKIE, _cookie(good, now - SESSION_IDLE_S - 60))
    assert c.get("/patients", follow_redirects=False).headers["location"] == "/login"  # ...not after 8 idle hours
    c = TestClient(app)
    c.cookies.set(SESSION_COOKIE, _cookie({**good, "login_at": now - 13 * 3600}, now - 60))
    assert c.get("/patients", follow_redirects=False).headers["location"] == "/login"  # nor 12 hours after signing in
    c = TestClient(app)
    c.cookies.set(SESSION_COOKIE, _cookie({**good, "pw": "old-password-tag"}, now - 60))
    assert c.get("/patients", follow_redirects=False).headers["location"] == "/login"  # nor after a password change


def test_wrong_password_locks_the_account(client, web_store):
    email = f"locked{time.monotonic_ns()}@clinic.example"
    Accounts(web_store).add_clinician(email, LIGHT.hash(PASSWORD))
    for _ in range(5):
        response = sign_in(client, email, "wrong password here")
        assert response.status_code == 401 and "Wrong e-mail or password" in response.text
    response = sign_in(client, email)  # the right password, too late
    assert response.status_code == 429 and "locked" in response.text and SESSION_COOKIE not in client.cookies.get(SESSION_COOKIE, "")
    assert client.get("/patients", follow_redirects=False).status_code == 303
    assert len([r for r in audit_rows(web_store, "login_failed") if r.detail.startswith(email)]) == 5
    assert any(r.detail.startswith(email) for r in audit_rows(web_store, "lockout"))
    assert any(r.detail.startswith(email) for r in audit_rows(web_store, "login_locked"))
    with web_store.engine.begin() as conn:  # the lock-out time passes
        conn.execute(sa.update(clinicians).where(clinicians.c.email == email).values(locked_until=dt.datetime.now() - dt.timedelta(seconds=1)))
    assert sign_in(client, email).status_code == 303


def test_unknown_email_and_address_rate_limit(app, client, web_store):
    assert sign_in(client, "nobody@clinic.example").status_code == 401
    app.state.web.login_limiter = AttemptLimiter(attempts=3, window_s=60)
    assert [sign_in(client, f"n{i}@clinic.example").status_code for i in range(3)] == [401, 401, 401]
    response = sign_in(client, ANNA)  # over the limit: even the right password waits
    assert response.status_code == 429 and "Too many sign-in attempts" in response.text
    assert audit_rows(web_store, "login_rate_limited")


def test_csrf_missing_or_wrong_is_refused(app, web_store):
    anna = as_user(app, ANNA)
    before = len(web_store.measurements(PATIENT))
    form = {"kind": "slr", "side": "left", "value_deg": "61", "date": "2026-01-19"}
    assert anna.post(f"/patients/{PATIENT}/measurements", data=form, follow_redirects=False).status_code == 403
    assert anna.post(f"/patients/{PATIENT}/measurements", data={**form, "csrf_token": "forged"}, follow_redirects=False).status_code == 403
    assert len(web_store.measurements(PATIENT)) == before
    assert anna.post("/logout", data={}, follow_redirects=False).status_code == 403
    fresh = TestClient(app)
    fresh.get("/login")
    assert fresh.post("/login", data={"email": ANNA, "password": PASSWORD}).status_code == 403
    # The token of another session does not work either.
    other = as_user(app, BEN)
    foreign = csrf_of(other.get("/patients").text)
    assert anna.post(f"/patients/{PATIENT}/measurements", data={**form, "csrf_token": foreign}, follow_redirects=False).status_code == 403
    good = csrf_of(anna.get(f"/patients/{PATIENT}").text)
    assert anna.post(f"/patients/{PATIENT}/measurements", data={**form, "csrf_token": good}, follow_redirects=False).status_code == 303
    assert len(web_store.measurements(PATIENT)) == before + 1


def test_logout_ends_the_session(app):
    anna = as_user(app, ANNA)
    token = csrf_of(anna.get("/patients").text)
    assert anna.post("/logout", data={"csrf_token": token}, follow_redirects=False).headers["location"] == "/login"
    assert anna.get("/patients", follow_redirects=False).headers["location"] == "/login"


# -- access ---------------------------------------------------------------------------------
def test_a_clinician_sees_only_assigned_patients(app, web_store):
    anna = as_user(app, ANNA)
    listing = anna.get("/patients").text
    assert PATIENT in listing and OTHER not in listing
    for path in (f"/patients/{OTHER}", f"/patients/{OTHER}/report", f"/patients/{OTHER}/export/json", "/patients/P-NOBODY", "/audit"):
        assert anna.get(path).status_code == 404, path
    token = csrf_of(listing)
    flag = flagged_checkin(web_store, OTHER, dt.datetime(2026, 1, 16, 8))
    measurements, versions = len(web_store.measurements(OTHER)), len(Accounts(web_store).prescription_versions(OTHER))
    assert anna.post(f"/patients/{OTHER}/measurements", data={"kind": "slr", "side": "left", "value_deg": "60", "csrf_token": token}).status_code == 404
    assert anna.post(f"/patients/{OTHER}/red-flags/{flag}/review", data={"outcome": "cleared", "note": "fine", "csrf_token": token}).status_code == 404
    upload = {"file": ("rx.yaml", other_prescription_text().encode(), "text/yaml")}
    assert anna.post(f"/patients/{OTHER}/prescription", data={"csrf_token": token}, files=upload).status_code == 404
    assert len(web_store.measurements(OTHER)) == measurements and len(Accounts(web_store).prescription_versions(OTHER)) == versions
    assert flag not in Accounts(web_store).red_flag_reviews(OTHER)
    # A check-in id of another patient under one's own patient's URL is refused too.
    assert anna.post(f"/patients/{PATIENT}/red-flags/{flag}/review", data={"outcome": "cleared", "note": "fine", "csrf_token": token}).status_code == 422
    assert flag not in Accounts(web_store).red_flag_reviews(OTHER)
    admin = as_user(app, ADMIN)
    listing = admin.get("/patients").text
    assert PATIENT in listing and OTHER in listing
    assert admin.get(f"/patients/{OTHER}").status_code == 200 and admin.get("/audit").status_code == 200


# -- pages ----------------------------------------------------------------------------------
def _text(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def test_security_headers_and_no_inline_script_or_style(app):
    admin = as_user(app, ADMIN)
    for path in ("/login", "/patients", f"/patients/{PATIENT}", "/audit", "/patients/P-NOBODY"):
        response = admin.get(path)
        csp = response.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src" not in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
        assert response.headers["x-frame-options"] == "DENY" and response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["cache-control"] == "no-store"
        assert "<script" not in response.text and " style=" not in response.text and "<style" not in response.text, path


def test_the_stylesheet_is_public_and_plain(client):
    response = client.get("/static/app.css")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/css")
    assert response.headers["x-content-type-options"] == "nosniff" and "@media (max-width: 40rem)" in response.text
    assert client.get("/static/favicon.svg").status_code == 200 and client.get("/static/nothing.css").status_code == 404


def test_the_report_as_pdf(app, backend):
    if backend != "sqlite":
        pytest.skip("Chromium prints the same HTML on both backends; the HTML report is tested on both")
    if not shutil.which("chromium"):
        pytest.skip("Chromium is not installed")
    response = as_user(app, ANNA).get(f"/patients/{PATIENT}/report.pdf")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert f'filename="{PATIENT}-recheck.pdf"' in response.headers["content-disposition"]


def test_patient_list_rows_sort_and_filter(app, web_store):
    admin = as_user(app, ADMIN)
    html = admin.get("/patients").text
    rows = re.findall(r'class="patient-link" href="/patients/([^"]+)"', html)
    # Each row's most urgent flag (its first badge, or none): the list runs from the most urgent down.
    firsts = [re.findall(r'class="badge flag-([a-z_]+)"', row)[:1] for row in html.split('class="patient-link"')[1:]]
    ranks = [FLAG_ORDER.index(f[0]) if f else len(FLAG_ORDER) for f in firsts]
    assert ranks == sorted(ranks) and ranks[rows.index(PATIENT)] == 0  # P-7F3A2C: its unreviewed red flag
    assert re.findall(r'class="patient-link" href="/patients/([^"]+)"', admin.get("/patients?sort=patient").text) == sorted(rows)
    only = re.findall(r'class="patient-link" href="/patients/([^"]+)"', admin.get("/patients?flag=red_flag").text)
    assert PATIENT in only and only == [r for r, f in zip(rows, firsts, strict=True) if f == ["red_flag"]]
    calm = [r for r, f in zip(rows, firsts, strict=True) if not f]
    assert re.findall(r'class="patient-link" href="/patients/([^"]+)"', admin.get("/patients?flag=any").text) == [r for r in rows if r not in calm]
    assert re.findall(r'class="patient-link" href="/patients/([^"]+)"', admin.get("/patients?q=0b5").text) == [OTHER]
    for sort in ("last_session", "adherence", "pain", "no-such-sort"):
        assert sorted(re.findall(r'class="patient-link" href="/patients/([^"]+)"', admin.get(f"/patients?sort={sort}").text)) == sorted(rows), sort
    text = _text(admin.get("/patients?q=7F3A2C").text)
    assert "red flag" in text and "bladder" in text and "2026-01-15" in text  # the flag, its screen item, the last session
    assert audit_rows(web_store, "view_list")[-1].actor == ADMIN


def test_flags_in_order_of_urgency(app, web_store):
    """A patient built to have exactly: a flare-up, a pacing failure, stalled progress and a recheck due."""
    patient = f"P-FL{time.monotonic_ns() % 10**8}"
    add_troubled_patient(web_store, patient)
    Accounts(web_store).assign(ANNA, patient)
    anna = as_user(app, ANNA)
    html = anna.get(f"/patients?q={patient}").text
    badges = re.findall(r'class="badge flag-([a-z_]+)"', html)
    # Weeks 1-6 had no session (every exercise held: stalled); week 4 ended a recheck interval without a PROM.
    assert badges == ["flare_up", "pacing_failure", "stalled", "recheck_due"]
    assert "pain rose from 3 to 6" in _text(html)
    # A PROM recorded in the recheck week takes the recheck flag away.
    web_store.record_prom(patient, score_odi([1] * 10, dt.datetime(2026, 1, 1, 12)))
    badges = re.findall(r'class="badge flag-([a-z_]+)"', anna.get(f"/patients?q={patient}").text)
    assert badges == ["flare_up", "pacing_failure", "stalled"]


def test_the_list_follows_changes_made_in_place_and_agrees_with_the_adherence_command(app, web_store):
    from motionrehab.program.adherence import weekly_scores

    ben = as_user(app, BEN)
    assert "flag-flare_up" not in ben.get(f"/patients?q={OTHER}").text
    computed = app.state.web.patient_list.computed
    assert "flag-flare_up" not in ben.get(f"/patients?q={OTHER}").text and app.state.web.patient_list.computed == computed  # cached
    session = web_store.stored_sessions(OTHER)[-1]
    web_store.record_next_morning(session.id, pain_nrs=5)  # an UPDATE of an existing row: 2 -> 5 the next morning
    html = ben.get(f"/patients?q={OTHER}").text
    assert 'class="badge flag-flare_up" title="2026-01-06: pain rose from 2 to 5 the next morning"' in html
    prescription = web_store.prescription(OTHER)
    expected = weekly_scores(prescription, web_store.session_logs(OTHER), web_store.measurements(OTHER), through_week=3)
    row = app.state.web.patient_list.rows([OTHER], TODAY)[0]
    assert (row.adherence_week, row.adherence_last_week) == (expected[2].composite, expected[1].composite)


def test_patients_without_a_program_yet(app, web_store):
    """A check-in before any prescription, and a program that starts next week: rows and pages say so."""
    screen = CheckIn("P-NORX01", dt.datetime(2026, 1, 12, 9), 2, False, False, dict.fromkeys(RED_FLAG_IDS, False))
    web_store.record_checkin(screen, evaluate_checkin(screen, baseline_pain_nrs=2))
    text = EXAMPLE.read_text().replace(f"patient: {PATIENT}", "patient: P-LATER1").replace("start_date: 2026-01-05", "start_date: 2026-01-26")
    web_store.assign_prescription(parse_prescription(text, "later.yaml"), text)
    admin = as_user(app, ADMIN)
    assert "no prescription stored for &#39;P-NORX01&#39;" in admin.get("/patients?q=NORX").text
    assert "the program starts on 2026-01-26" in admin.get("/patients?q=LATER").text
    for patient in ("P-NORX01", "P-LATER1"):
        assert admin.get(f"/patients/{patient}").status_code == 200


def test_patient_page_shows_trends_sessions_proms_and_decisions(app, web_store):
    anna = as_user(app, ANNA)
    response = anna.get(f"/patients/{PATIENT}")
    assert response.status_code == 200
    html, text = response.text, _text(response.text)
    assert html.count('<svg class="chart"') >= 5
    for title in ("SLR peak per side", "Hip hinge depth", "Hip hinge tempo", "Walking per week", "Adherence per week", "Pain before sessions"):
        assert title in html, title
    assert "± MDC" in html  # the SLR band: the compared visit +/- its MDC95 (trial SDs stored)
    assert "lumbar flexion" in text and FAULT_ADVICE["lumbar_flexion"] in text and ">70<" in html  # fault, cue, 100 - 30
    assert "ODI 31.1 -> 15.6: a meaningful improvement (MCID 10 points)" in text
    assert "end of week 2" in text and "Red flags to review (1)" in text
    for link in ("/report", "/report.pdf", "/export/csv", "/export/json", "/export/fhir", "/export/opensim"):
        assert f'href="/patients/{PATIENT}{link}"' in html
    row = audit_rows(web_store, "view_patient", PATIENT)[-1]
    assert row.actor == ANNA and row.at >= dt.datetime.now().replace(microsecond=0) - dt.timedelta(minutes=1)


def test_report_and_exports(app, web_store):
    anna = as_user(app, ANNA)
    report = anna.get(f"/patients/{PATIENT}/report")
    assert report.status_code == 200 and "Recheck report" in report.text and PATIENT in report.text
    csp = report.headers["content-security-policy"]  # the report's own <style> is allowed; script still is not
    assert "default-src 'none'" in csp and "script-src" not in csp and "<script" not in report.text and report.headers["x-frame-options"] == "DENY"
    archives = {}
    for fmt in ("csv", "json", "fhir", "opensim"):
        response = anna.get(f"/patients/{PATIENT}/export/{fmt}")
        assert response.status_code == 200 and response.headers["content-type"] == "application/zip", fmt
        archives[fmt] = zipfile.ZipFile(io.BytesIO(response.content))
    names = {fmt: archive.namelist() for fmt, archive in archives.items()}
    assert any(n.endswith("sessions.csv") for n in names["csv"]) and any(n.endswith(".json") for n in names["json"])
    assert json.loads(archives["fhir"].read(names["fhir"][0]))["resourceType"] == "Bundle"
    assert any(n.endswith(".mot") for n in names["opensim"])
    assert {r.detail.split(":")[0] for r in audit_rows(web_store, "export", PATIENT)} >= {"csv", "json", "fhir", "opensim"}
    assert audit_rows(web_store, "view_report", PATIENT)


# -- actions --------------------------------------------------------------------------------
def test_review_a_red_flag(app, web_store):
    flag = flagged_checkin(web_store, PATIENT, dt.datetime(2026, 1, 16, 7, 45))
    anna = as_user(app, ANNA)
    page = anna.get(f"/patients/{PATIENT}").text
    assert f"/red-flags/{flag}/review" in page
    token = csrf_of(page)
    url = f"/patients/{PATIENT}/red-flags/{flag}/review"
    refused = anna.post(url, data={"outcome": "cleared", "note": " ", "csrf_token": token})
    assert refused.status_code == 422 and "clearing a red flag needs a note" in refused.text
    done = anna.post(url, data={"outcome": "cleared", "note": "Phoned: weakness was cramp, strength normal.", "csrf_token": token}, follow_redirects=False)
    assert done.status_code == 303
    review = Accounts(web_store).red_flag_reviews(PATIENT)[flag]
    assert (review.outcome, review.reviewer, review.note) == ("cleared", ANNA, "Phoned: weakness was cramp, strength normal.")
    assert "cramp" in audit_rows(web_store, "review_red_flag", PATIENT)[-1].detail
    assert anna.post(url, data={"outcome": "stopped", "note": "", "csrf_token": token}).status_code == 422  # once only
    calm = web_store.checkins(PATIENT)[0].id
    assert anna.post(f"/patients/{PATIENT}/red-flags/{calm}/review", data={"outcome": "cleared", "note": "x", "csrf_token": token}).status_code == 422


def test_stopping_a_patient_shows_in_the_list(app, web_store):
    flag = flagged_checkin(web_store, OTHER, dt.datetime(2026, 1, 17, 7, 0))
    ben = as_user(app, BEN)
    token = csrf_of(ben.get(f"/patients/{OTHER}").text)
    assert ben.post(f"/patients/{OTHER}/red-flags/{flag}/review", data={"outcome": "stopped", "note": "", "csrf_token": token}, follow_redirects=False).status_code == 303
    assert "program stopped" in ben.get("/patients").text


def test_prescription_upload_refuses_errors_with_line_numbers_and_keeps_versions(app, web_store):
    anna = as_user(app, ANNA)
    token = csrf_of(anna.get(f"/patients/{PATIENT}").text)
    lines = EXAMPLE.read_text().splitlines()
    # The glide's dose (the second exercise of phase 1), found by reading the file, broken to 0 reps.
    broken_line = 1 + next(i for i, line in enumerate(lines) if line.strip() == "dose: {sets: 2, reps: 10}")
    assert "id: glide" in lines[broken_line - 3]
    lines[broken_line - 1] = lines[broken_line - 1].replace("reps: 10", "reps: 0")
    before = Accounts(web_store).prescription_versions(PATIENT)
    url = f"/patients/{PATIENT}/prescription"
    refused = anna.post(url, data={"csrf_token": token}, files={"file": ("week3.yaml", "\n".join(lines).encode(), "text/yaml")})
    assert refused.status_code == 422
    assert f"week3.yaml:{broken_line}: phases[0].exercises[1].dose.reps: 0 is too small" in refused.text
    bad_yaml = anna.post(url, data={"csrf_token": token}, files={"file": ("tabs.yaml", b"format: x\n  patient: [\n", "text/yaml")})
    assert bad_yaml.status_code == 422 and re.search(r"tabs\.yaml:\d+", bad_yaml.text)
    wrong = anna.post(url, data={"csrf_token": token}, files={"file": ("other.yaml", other_prescription_text().encode(), "text/yaml")})
    assert wrong.status_code == 422 and f"this prescription is for {OTHER}" in wrong.text
    assert Accounts(web_store).prescription_versions(PATIENT) == before
    assert audit_rows(web_store, "prescription_refused", PATIENT)
    text = EXAMPLE.read_text().replace("recheck_every_weeks: 4", "recheck_every_weeks: 6")
    stored = anna.post(url, data={"csrf_token": token}, files={"file": ("week3.yaml", text.encode(), "text/yaml")}, follow_redirects=False)
    assert stored.status_code == 303
    after = Accounts(web_store).prescription_versions(PATIENT)
    assert len(after) == len(before) + 1 and after[1:] == before and after[0].source == "week3.yaml"
    assert web_store.prescription(PATIENT).recheck_every_weeks == 6
    assert "week3.yaml stored as version" in audit_rows(web_store, "upload_prescription", PATIENT)[-1].detail
    assert "week3.yaml" in anna.get(f"/patients/{PATIENT}").text


def test_add_clinic_measurements_by_hand(app, web_store):
    ben = as_user(app, BEN)
    token = csrf_of(ben.get(f"/patients/{OTHER}").text)
    url = f"/patients/{OTHER}/measurements"
    post = lambda **form: ben.post(url, data={**form, "csrf_token": token}, follow_redirects=False)  # noqa: E731
    assert post(kind="slr", side="right", value_deg="63,5", date="2026-01-19").status_code == 303
    assert post(kind="hip_rom", movement="internal_rotation", side="left", value_deg="28", date="2026-01-18").status_code == 303
    assert post(kind="prom", instrument="ODI", answers="2 1 1 2 0 1 1 - 1 0", date="2026-01-19").status_code == 303
    rows = [_text(row) for row in ben.get(f"/patients/{OTHER}").text.split("<tr>") if "internal rotation" in row]  # latest measurements
    assert any("left" in row and "28.0 deg" in row and "2026-01-18" in row for row in rows), rows
    stored = {(m.name, m.side): (m.value, m.at.date()) for m in web_store.measurements(OTHER)}
    assert stored[("slr_peak_deg", "right")] == (63.5, TODAY)
    assert stored[("hip_internal_rotation_rom_deg", "left")] == (28.0, dt.date(2026, 1, 18))
    odi = web_store.proms(OTHER, "ODI")[-1]
    assert odi.score == score_odi([2, 1, 1, 2, 0, 1, 1, None, 1, 0], odi.at).score == 20.0
    count = len(web_store.measurements(OTHER))
    for form, message in ((dict(kind="slr", side="left", value_deg="200"), "outside 0 to 130 deg"),
                          (dict(kind="slr", side="left", value_deg="60", date="2026-02-01"), "is in the future"),
                          (dict(kind="prom", instrument="ODI", answers="9 1 1 1 1 1 1 1 1 1"), "ODI answer 1 must be a whole number 0 to 5"),
                          (dict(kind="hip_rom", movement="wiggle", side="left", value_deg="10"), "is not a hip movement")):  # fmt: skip
        response = post(**form)
        assert response.status_code == 422 and message in response.text, form
    assert len(web_store.measurements(OTHER)) == count
    details = [r.detail for r in audit_rows(web_store, "add_measurement", OTHER)]
    assert any(d.startswith("slr_peak_deg right 63.5") for d in details) and any(d.startswith("ODI 20") for d in details)


def test_the_admin_reads_the_audit_log(app, web_store):
    as_user(app, ANNA).get(f"/patients/{PATIENT}")
    admin = as_user(app, ADMIN)
    text = _text(admin.get(f"/audit?patient={PATIENT}").text)
    assert f"{ANNA} view patient {PATIENT}" in text
    assert audit_rows(web_store, "view_audit")[-1].actor == ADMIN
