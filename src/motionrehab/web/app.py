"""The clinician's web view: a Starlette application over the session store.

Routes (every one but /login and /static needs a signed-in clinician; docs/web.md):

====================================================  ==========================================
GET  /login, POST /login, POST /logout                 sign in (email, password, csrf_token)
GET  /patients?sort=&flag=&q=                          the list, most urgent first
GET  /patients/{id}                                    a patient's page
GET  /patients/{id}/report[.pdf]                       the recheck report (records.report)
GET  /patients/{id}/export/{csv|json|fhir|opensim}     the exports as a zip (records.export ...)
POST /patients/{id}/red-flags/{checkin}/review         clear a red flag with a note, or stop
POST /patients/{id}/prescription                       a new prescription version (program check)
POST /patients/{id}/measurements                       SLR, hip ROM or a PROM entered by hand
GET  /audit                                            the audit log (administrators)
====================================================  ==========================================

Access: a clinician sees only the patients assigned to them; any other patient id (or one
that does not exist) is a 404, for pages and actions alike. Every view of a patient's data
and every change is written to the audit log before the response is sent.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import logging
import re
import tempfile
import threading
import zipfile
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from motionrehab.errors import MotionRehabError
from motionrehab.program.prescription import parse_prescription
from motionrehab.program.proms import (
    INSTRUMENTS,
    LEFS,
    NRS,
    ODI,
    PSFS,
    score_lefs,
    score_nrs,
    score_odi,
    score_psfs,
)
from motionrehab.records.accounts import REVIEW_OUTCOMES, Accounts, Clinician
from motionrehab.records.store import SessionStore
from motionrehab.web import security
from motionrehab.web.patient_list import FLAG_LABELS, FLAG_ORDER, SORTS, PatientList, select_rows
from motionrehab.web.patient_page import build_page

HERE = Path(__file__).resolve().parent
SESSION_COOKIE = "motionrehab_session"
SESSION_IDLE_S = 8 * 3600
"""A session cookie expires after this many seconds without a request (sliding; Starlette's signed timestamp)."""
SESSION_ABSOLUTE_S = 12 * 3600
"""...and in any case this long after signing in."""
MAX_UPLOAD_BYTES = 256_000
HIP_MOVEMENTS = ("flexion", "extension", "abduction", "adduction", "internal_rotation", "external_rotation")
SIDES = ("left", "right")
SLR_NAME = "slr_peak_deg"
"""Stored per side (the side column), as `motionrehab measure slr` stores it."""
MEASUREMENT_RANGES = {"slr": (0.0, 130.0), "hip_rom": (-30.0, 160.0)}
"""Plausible degrees for a hand-entered value; anything outside is a typing error."""


class WebState:
    """What the routes share: the store, accounts, the patient-list cache and the clock."""

    def __init__(self, store: SessionStore, today: Callable[[], dt.date]) -> None:
        self.store = store
        self.accounts = Accounts(store)
        self.patient_list = PatientList(store, self.accounts)
        self.today = today
        self.login_limiter = security.AttemptLimiter()


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True, undefined=jinja2.StrictUndefined)
    env.filters["dt"] = lambda value, fmt="%Y-%m-%d %H:%M": "" if value is None else value.strftime(fmt)
    env.filters["num"] = lambda value, fmt="%.1f": "–" if value is None else fmt % value
    env.filters["label"] = lambda value: str(value).replace("_", " ")
    return env


templates = Jinja2Templates(env=_environment())


def _state(request: Request) -> WebState:
    state: WebState = request.app.state.web
    return state


def _client(request: Request) -> str:
    return request.client.host if request.client else "-"


def _csrf(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = security.new_token()
        request.session["csrf"] = token
    return str(token)


def _render(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> Response:
    user = context.get("user")
    flash = request.session.pop("flash", "") if "flash" in request.session else ""
    base = {"csrf_token": _csrf(request), "user": user, "flash": flash}
    return templates.TemplateResponse(request, name, {**base, **context}, status_code=status_code)


def _signed_in(request: Request) -> Clinician | None:
    """The clinician of this session, or None (no session, expired, account gone, or password changed since)."""
    uid, login_at, pw = request.session.get("uid"), request.session.get("login_at"), request.session.get("pw")
    if not isinstance(uid, int) or not isinstance(login_at, (int, float)):
        return None
    if dt.datetime.now(dt.timezone.utc).timestamp() - login_at > SESSION_ABSOLUTE_S:
        request.session.clear()
        return None
    user = _state(request).accounts.clinician_by_id(uid)
    if user is None or pw != _password_tag(user):
        request.session.clear()
        return None
    return user


def _password_tag(user: Clinician) -> str:
    # A changed password ends every session signed in with the old one.
    return user.password_hash[-16:]


class LoginRequired(Exception):
    """Raised by a route when nobody is signed in: answered with a redirect to /login."""


def _require(request: Request) -> Clinician:
    user = _signed_in(request)
    if user is None:
        raise LoginRequired
    return user


def _patient(request: Request, user: Clinician) -> str:
    """The patient id of the URL when this clinician may see them, else 404 (never 403: no hint that they exist)."""
    pseudonym = request.path_params["patient"]
    if not _state(request).accounts.may_see(user, pseudonym):
        raise HTTPException(404, "no such patient")
    return str(pseudonym)


async def _form(request: Request) -> dict[str, Any]:
    """The POSTed form after the CSRF check (403 when the token is missing or wrong)."""
    form = await request.form(max_files=1, max_fields=50)
    given = form.get("csrf_token")
    if not security.tokens_match(request.session.get("csrf"), given if isinstance(given, str) else None):
        raise HTTPException(403, "the form's CSRF token is missing or wrong: reload the page and try again")
    return dict(form)


def _audit(request: Request, user: Clinician | None, action: str, patient: str = "", detail: str = "") -> None:
    _state(request).accounts.audit(user.email if user else "-", action, patient=patient, detail=f"{detail} [{_client(request)}]".strip())


# -- sign in -------------------------------------------------------------------------------
def login_page(request: Request) -> Response:
    """The sign-in form."""
    if _signed_in(request) is not None:
        return RedirectResponse("/patients", status_code=303)
    return _render(request, "login.html", {"error": "", "email": ""})


async def login(request: Request) -> Response:
    """Check the password; rate-limited per address, locked per account after repeated failures."""
    form = await _form(request)
    email, password = str(form.get("email", "")).strip(), str(form.get("password", ""))
    state = _state(request)

    def attempt() -> tuple[Clinician | None, str, int]:
        if not state.login_limiter.allow(_client(request)):
            _audit(request, None, "login_rate_limited", detail=email[:254])
            return None, "Too many sign-in attempts from this address. Wait a few minutes and try again.", 429
        account = state.accounts.clinician(email)
        now = dt.datetime.now().replace(microsecond=0)
        if account is not None and account.locked_until is not None and account.locked_until > now:
            security.verify_password(None, password)  # same work as a real check
            _audit(request, None, "login_locked", detail=account.email)
            return None, f"This account is locked after repeated failed sign-ins until {account.locked_until:%H:%M}.", 429
        if account is None or not security.verify_password(account.password_hash, password):
            if account is not None:
                locked = state.accounts.record_login_failure(account.id, max_failures=security.MAX_FAILURES, lock_for=security.LOCK_FOR, now=now)
                if locked is not None:
                    _audit(request, None, "lockout", detail=f"{account.email} locked until {locked:%Y-%m-%d %H:%M}")
            _audit(request, None, "login_failed", detail=email[:254])
            return None, "Wrong e-mail or password.", 401
        state.accounts.record_login_success(account.id)
        _audit(request, account, "login")
        return account, "", 200

    account, error, status = await run_in_threadpool(attempt)
    if account is None:
        return _render(request, "login.html", {"error": error, "email": email}, status_code=status)
    request.session.clear()  # a fresh session (and CSRF token) on every sign-in
    request.session.update(uid=account.id, login_at=dt.datetime.now(dt.timezone.utc).timestamp(), pw=_password_tag(account), csrf=security.new_token())
    return RedirectResponse("/patients", status_code=303)


async def logout(request: Request) -> Response:
    """End the session."""
    await _form(request)
    user = await run_in_threadpool(_signed_in, request)
    if user is not None:
        await run_in_threadpool(_audit, request, user, "logout")
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


# -- pages ---------------------------------------------------------------------------------
def home(request: Request) -> Response:
    """/ -> the patient list."""
    _require(request)
    return RedirectResponse("/patients", status_code=303)


def patients(request: Request) -> Response:
    """The list of the clinician's patients, most urgent first."""
    user = _require(request)
    state = _state(request)
    sort = request.query_params.get("sort", "urgency")
    flag = request.query_params.get("flag", "")
    search = request.query_params.get("q", "")[:40]
    visible = state.accounts.visible_patients(user)
    all_rows = state.patient_list.rows(visible, state.today())
    rows = select_rows(all_rows, sort=sort if sort in SORTS else "urgency", flag=flag, search=search)
    counts = {kind: sum(1 for r in all_rows if r.has(kind)) for kind in FLAG_ORDER}
    _audit(request, user, "view_list", detail=f"{len(rows)} of {len(visible)} patients shown")
    return _render(request, "patients.html", {"user": user, "rows": rows, "total": len(visible), "sort": sort, "flag": flag, "q": search,
                                              "sorts": list(SORTS), "flags": FLAG_ORDER, "flag_labels": FLAG_LABELS, "counts": counts,
                                              "today": state.today()})  # fmt: skip


def _patient_page(request: Request, user: Clinician, pseudonym: str, errors: dict[str, str] | None = None, status_code: int = 200) -> Response:
    state = _state(request)
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    page = build_page(state.store, state.accounts, pseudonym, state.today(), now, state.patient_list.prescriptions)
    _audit(request, user, "view_patient", patient=pseudonym)
    return _render(request, "patient.html", {"user": user, "p": page, "errors": errors or {}, "outcomes": REVIEW_OUTCOMES,
                                             "instruments": INSTRUMENTS, "movements": HIP_MOVEMENTS, "sides": SIDES,
                                             "today": state.today()}, status_code=status_code)  # fmt: skip


def patient(request: Request) -> Response:
    """A patient's page."""
    user = _require(request)
    return _patient_page(request, user, _patient(request, user))


def report(request: Request) -> Response:
    """The recheck report as HTML (its own inline style, still no script), or PDF when the path ends in .pdf."""
    from motionrehab.records.recheck import recheck_data
    from motionrehab.records.report import html_to_pdf, render_recheck_html

    user = _require(request)
    pseudonym = _patient(request, user)
    state = _state(request)
    try:
        data = recheck_data(state.store, pseudonym, generated=dt.datetime.now(dt.timezone.utc).replace(microsecond=0))
    except MotionRehabError as error:
        raise HTTPException(409, f"no report: {error.what}") from None
    html = render_recheck_html(data)
    pdf = request.url.path.endswith(".pdf")
    _audit(request, user, "view_report", patient=pseudonym, detail="pdf" if pdf else "html")
    if not pdf:
        return HTMLResponse(html, headers={"content-security-policy": security.REPORT_CSP})
    with tempfile.TemporaryDirectory() as folder:
        html_path = Path(folder) / "report.html"
        html_path.write_text(html, encoding="utf-8")
        try:
            pdf_path = html_to_pdf(html_path, Path(folder) / "report.pdf")
        except MotionRehabError as error:
            raise HTTPException(503, error.what) from None
        body = pdf_path.read_bytes()
    return Response(body, media_type="application/pdf", headers={"content-disposition": f'attachment; filename="{pseudonym}-recheck.pdf"'})


EXPORT_FORMATS = ("csv", "json", "fhir", "opensim")


def export(request: Request) -> Response:
    """The patient's record in one format, as a zip of the files `motionrehab export` writes."""
    from motionrehab.records.export import read_record, write_tables
    from motionrehab.records.fhir_records import write_fhir_bundle
    from motionrehab.records.opensim_records import write_opensim

    user = _require(request)
    pseudonym = _patient(request, user)
    fmt = request.path_params["fmt"]
    if fmt not in EXPORT_FORMATS:
        raise HTTPException(404, "no such export format")
    store = _state(request).store
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    with tempfile.TemporaryDirectory() as folder:
        try:
            if fmt in ("csv", "json"):
                paths = write_tables(read_record(store, pseudonym), folder, fmt, exported_at=now)
            elif fmt == "fhir":
                paths = [write_fhir_bundle(store, pseudonym, folder, since=None, generated=now).path]
            else:
                paths = list(write_opensim(store, pseudonym, folder, since=None).paths)
        except MotionRehabError as error:
            raise HTTPException(409, f"no {fmt} export: {error.what}") from None
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in paths:
                archive.write(path, Path(path).relative_to(folder).as_posix())
    _audit(request, user, "export", patient=pseudonym, detail=f"{fmt}: {len(paths)} files")
    return Response(buffer.getvalue(), media_type="application/zip",
                    headers={"content-disposition": f'attachment; filename="{pseudonym}-{fmt}.zip"'})  # fmt: skip


def audit(request: Request) -> Response:
    """The audit log, newest first (administrators only; 404 for anyone else)."""
    user = _require(request)
    if not user.is_admin:
        raise HTTPException(404, "not found")
    patient_filter = request.query_params.get("patient", "").strip()[:40]
    entries = _state(request).accounts.audit_entries(patient=patient_filter or None, limit=1000)
    _audit(request, user, "view_audit", patient=patient_filter)
    return _render(request, "audit.html", {"user": user, "entries": entries, "patient": patient_filter})


# -- actions -------------------------------------------------------------------------------
async def _action(request: Request) -> tuple[Clinician, str, dict[str, Any]]:
    user = await run_in_threadpool(_require, request)
    pseudonym = await run_in_threadpool(_patient, request, user)
    form = await _form(request)
    return user, pseudonym, form


async def review_red_flag(request: Request) -> Response:
    """Clear a red flag with a note, or stop the patient's program."""
    user, pseudonym, form = await _action(request)
    try:
        checkin_id = int(request.path_params["checkin"])
    except ValueError:
        raise HTTPException(404, "no such check-in") from None
    outcome, note = str(form.get("outcome", "")), str(form.get("note", ""))[:2000]

    def work() -> Response:
        try:
            _state(request).accounts.review_red_flag(pseudonym, checkin_id, reviewer=user.email, outcome=outcome, note=note)
        except MotionRehabError as error:
            return _patient_page(request, user, pseudonym, {f"review-{checkin_id}": error.what}, status_code=422)
        _audit(request, user, "review_red_flag", patient=pseudonym, detail=f"check-in {checkin_id}: {outcome}; note: {note.strip()}")
        request.session["flash"] = f"Red flag of check-in {checkin_id} reviewed: {'cleared' if outcome == 'cleared' else 'program stopped'}."
        return RedirectResponse(f"/patients/{pseudonym}#checkins", status_code=303)

    return await run_in_threadpool(work)


async def upload_prescription(request: Request) -> Response:
    """A new prescription version: the same validation as `program check`; errors with their line numbers; old versions kept."""
    user, pseudonym, form = await _action(request)
    upload = form.get("file")
    text, source = str(form.get("yaml_text", "")), "web form"
    if isinstance(upload, UploadFile) and upload.filename:
        raw = await upload.read(MAX_UPLOAD_BYTES + 1)
        source = Path(upload.filename).name[:200] or "upload"
        text = raw.decode("utf-8", errors="replace") if len(raw) <= MAX_UPLOAD_BYTES else ""
        if len(raw) > MAX_UPLOAD_BYTES:
            return await run_in_threadpool(_patient_page, request, user, pseudonym, {"prescription": f"{source} is larger than {MAX_UPLOAD_BYTES // 1000} kB: not a prescription"}, 422)

    def work() -> Response:
        state = _state(request)
        if not text.strip():
            return _patient_page(request, user, pseudonym, {"prescription": "choose a prescription file (YAML) or paste its text"}, status_code=422)
        try:
            prescription = parse_prescription(text, source)
            if prescription.patient != pseudonym:
                raise MotionRehabError(f"this prescription is for {prescription.patient}, not {pseudonym}", where=f"{source}: patient",
                                       fix=f"set 'patient: {pseudonym}' or upload it on {prescription.patient}'s page")  # fmt: skip
        except MotionRehabError as error:
            _audit(request, user, "prescription_refused", patient=pseudonym, detail=f"{source}: {error.what}")
            return _patient_page(request, user, pseudonym, {"prescription": str(error)}, status_code=422)
        version = state.store.assign_prescription(prescription, text)
        _audit(request, user, "upload_prescription", patient=pseudonym, detail=f"{source} stored as version {version}, starts {prescription.start_date}")
        request.session["flash"] = f"Prescription {source} stored (starts {prescription.start_date}); earlier versions are kept."
        return RedirectResponse(f"/patients/{pseudonym}#prescription", status_code=303)

    return await run_in_threadpool(work)


_ANSWER = re.compile(r"^(\d+|-)$")


def _prom_items(text: str) -> list[int | None]:
    answers = text.replace(",", " ").split()
    bad = [a for a in answers if not _ANSWER.match(a)]
    if bad:
        raise MotionRehabError(f"'{bad[0]}' is not an answer", where="PROM answers", fix="write whole numbers separated by spaces; '-' for an unanswered ODI section")
    return [None if a == "-" else int(a) for a in answers]


async def add_measurement(request: Request) -> Response:
    """A clinic measurement entered by hand: SLR or hip ROM in degrees (per side), or a PROM's answers."""
    user, pseudonym, form = await _action(request)
    kind = str(form.get("kind", ""))

    def work() -> Response:
        state = _state(request)
        try:
            day_text = str(form.get("date", "")).strip()
            try:
                day = dt.date.fromisoformat(day_text) if day_text else state.today()
            except ValueError:
                raise MotionRehabError(f"'{day_text}' is not a date", where="date", fix="YYYY-MM-DD") from None
            if day > state.today():
                raise MotionRehabError(f"{day} is in the future", where="date", fix="enter the day the measurement was taken")
            at = dt.datetime.combine(day, dt.time(12))
            if kind == "prom":
                instrument = str(form.get("instrument", "")).upper()
                if instrument not in INSTRUMENTS:
                    raise MotionRehabError(f"'{instrument}' is not a questionnaire", where="instrument", fix=", ".join(INSTRUMENTS))
                items = _prom_items(str(form.get("answers", "")))
                if instrument == NRS:
                    if len(items) != 1 or items[0] is None:
                        raise MotionRehabError(f"NRS needs 1 answer, got {len(items)}", where="NRS", fix="the pain 0-10 as one number")
                    score = score_nrs(items[0], at)
                else:
                    score = {ODI: score_odi, LEFS: score_lefs, PSFS: score_psfs}[instrument](items, at)
                state.store.record_prom(pseudonym, score)
                what = f"{instrument} {score.score:g} on {day}"
            elif kind in MEASUREMENT_RANGES:
                side = str(form.get("side", ""))
                if side not in SIDES:
                    raise MotionRehabError(f"'{side}' is not a side", where="side", fix="left or right")
                try:
                    value = float(str(form.get("value_deg", "")).replace(",", "."))
                except ValueError:
                    raise MotionRehabError(f"'{form.get('value_deg', '')}' is not a number", where="degrees") from None
                low, high = MEASUREMENT_RANGES[kind]
                if not low <= value <= high:
                    raise MotionRehabError(f"{value:g} deg is outside {low:g} to {high:g} deg", where="degrees", fix="check the value typed")
                if kind == "slr":
                    name = SLR_NAME
                else:
                    movement = str(form.get("movement", ""))
                    if movement not in HIP_MOVEMENTS:
                        raise MotionRehabError(f"'{movement}' is not a hip movement", where="movement", fix=", ".join(HIP_MOVEMENTS))
                    name = f"hip_{movement}_rom_deg"
                state.store.add_measurement(pseudonym, name, value, at=at, side=side)
                what = f"{name} {side} {value:g} on {day}"
            else:
                raise MotionRehabError(f"'{kind}' is not a kind of measurement", where="kind", fix="slr, hip_rom or prom")
        except MotionRehabError as error:
            return _patient_page(request, user, pseudonym, {"measurement": str(error)}, status_code=422)
        _audit(request, user, "add_measurement", patient=pseudonym, detail=what)
        request.session["flash"] = f"Recorded {what}."
        return RedirectResponse(f"/patients/{pseudonym}#measure", status_code=303)

    return await run_in_threadpool(work)


# -- errors --------------------------------------------------------------------------------
async def _login_required(request: Request, exc: Exception) -> Response:
    return RedirectResponse("/login", status_code=303)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if request.url.path.startswith("/static"):
        return PlainTextResponse(str(exc.detail), status_code=exc.status_code)
    user = await run_in_threadpool(_signed_in, request)
    return _render(request, "error.html", {"user": user, "status": exc.status_code, "message": exc.detail}, status_code=exc.status_code)


def _warm(state: WebState) -> None:
    """Compute every patient's list row once, so the first morning view is served from the cache."""
    try:
        state.patient_list.rows(state.store.patients(), state.today())
    except Exception:  # noqa: BLE001 - a failed warm-up only means the first request computes the rows itself
        logging.getLogger(__name__).exception("warming the patient list failed")


def create_app(store: SessionStore | str | None = None, *, secret_key: str | None = None, today: Callable[[], dt.date] | None = None,
               secure_cookies: bool = False, warm: bool = False) -> Starlette:  # fmt: skip
    """The web application over ``store`` (a SessionStore, or a URL; default: the default store).

    ``secret_key`` signs the session cookies (default: security.session_secret());
    ``today`` is the clock for program weeks (default: the local date); ``secure_cookies``
    marks the cookie Secure (behind a TLS reverse proxy); ``warm`` computes the patient
    list in a background thread at start-up.
    """
    opened = store if isinstance(store, SessionStore) else SessionStore(store)
    state = WebState(opened, today or dt.date.today)

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        if warm:
            threading.Thread(target=_warm, args=(state,), name="warm-patient-list", daemon=True).start()
        yield
    routes = [
        Route("/", home),
        Route("/login", login_page, methods=["GET"]),
        Route("/login", login, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/patients", patients),
        Route("/patients/{patient}", patient),
        Route("/patients/{patient}/report", report),
        Route("/patients/{patient}/report.pdf", report),
        Route("/patients/{patient}/export/{fmt}", export),
        Route("/patients/{patient}/red-flags/{checkin}/review", review_red_flag, methods=["POST"]),
        Route("/patients/{patient}/prescription", upload_prescription, methods=["POST"]),
        Route("/patients/{patient}/measurements", add_measurement, methods=["POST"]),
        Route("/audit", audit),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    middleware = [
        Middleware(security.SecurityHeaders),
        Middleware(SessionMiddleware, secret_key=secret_key or security.session_secret(), session_cookie=SESSION_COOKIE,
                   max_age=SESSION_IDLE_S, same_site="lax", https_only=secure_cookies),  # fmt: skip
    ]
    app = Starlette(routes=routes, middleware=middleware, exception_handlers={LoginRequired: _login_required, HTTPException: _http_error},
                    lifespan=lifespan)  # fmt: skip
    app.state.web = state
    return app
