"""The web view in a real browser: Debian's Chromium, headless, driven by Selenium through chromedriver.

The app runs under uvicorn on a free local port over the test store (SQLite and
PostgreSQL). A clinician signs in, opens the list, opens a patient, clears a red flag and
uploads a prescription, clicking and typing as a person does. At a phone width (390 px)
and a desktop width the pages must not scroll sideways, and Chromium must report no
Content-Security-Policy violation. Screenshots go to $MOTIONREHAB_SCREENSHOTS when set
(docs/ holds the ones committed).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest
from web_fixture import (
    EXAMPLE,
    OTHER,
    PASSWORD,
    PATIENT,
    SECRET,
    TODAY,
    add_troubled_patient,
    flagged_checkin,
)

from motionrehab.records.accounts import Accounts

CHROMIUM, CHROMEDRIVER = shutil.which("chromium") or "/usr/bin/chromium", shutil.which("chromedriver") or "/usr/bin/chromedriver"
PHONE_PX, DESKTOP_PX = 390, 1280


@pytest.fixture(scope="module")
def server(web_store):
    # Anna sees three patients here: the record fixture's, the quiet one, and one with most of the flags.
    accounts = Accounts(web_store)
    if "P-3C9D70" not in web_store.patients():
        add_troubled_patient(web_store, "P-3C9D70")
    for patient in (OTHER, "P-3C9D70"):
        accounts.assign("anna@clinic.example", patient)
    uvicorn = pytest.importorskip("uvicorn")
    from motionrehab.web.app import create_app

    app = create_app(web_store, secret_key=SECRET, today=lambda: TODAY)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser():
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.skip("Chromium and chromedriver are not installed (Debian: apt-get install chromium chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage", "--hide-scrollbars"):  # fmt: skip
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def _no_sideways_scroll(driver) -> None:
    width = driver.execute_script("return document.documentElement.clientWidth")
    assert driver.execute_script("return document.documentElement.scrollWidth") <= width


def _no_csp_violation(driver) -> None:
    messages = [entry["message"] for entry in driver.get_log("browser")]
    assert not [m for m in messages if "Content Security Policy" in m or "Refused to" in m], messages


def _arrive(driver, path_end: str, timeout_s: float = 30.0) -> None:
    """Wait until the browser shows a page whose address ends with ``path_end``.

    A click that submits a form returns before the POST and its redirect finish (the
    sign-in hashes a password, slower on a busy machine), so the test waits on the address
    itself; on time-out the page's own text says why (a sign-in error, a 429).
    """
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        WebDriverWait(driver, timeout_s).until(lambda d: d.current_url.endswith(path_end))
    except TimeoutException:
        body = driver.find_element(By.TAG_NAME, "body").text
        raise AssertionError(f"still at {driver.current_url} after {timeout_s:.0f} s, expected ...{path_end}; the page says: {body[:400]!r}") from None


def _shown(driver, css: str, timeout_s: float = 30.0):
    """The first element matching ``css`` once the page after a click shows it (same waiting reason as ``_arrive``)."""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        return WebDriverWait(driver, timeout_s).until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, css)))
    except TimeoutException:
        body = driver.find_element(By.TAG_NAME, "body").text
        raise AssertionError(f"no {css} at {driver.current_url} after {timeout_s:.0f} s; the page says: {body[:400]!r}") from None


def _shoot(driver, name: str, width: int) -> None:
    folder = os.environ.get("MOTIONREHAB_SCREENSHOTS")
    driver.set_window_size(width, 900)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(width, min(height, 7000))
    _no_sideways_scroll(driver)
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(Path(folder) / f"web-{name}-{'phone' if width == PHONE_PX else 'desktop'}.png"))


@pytest.mark.slow
def test_a_clinician_works_through_the_pages(server, browser, web_store):
    from selenium.webdriver.common.by import By

    flag = flagged_checkin(web_store, PATIENT, dt.datetime(2026, 1, 18, 7, 30))
    driver = browser
    driver.set_window_size(PHONE_PX, 900)
    driver.get(server + "/login")
    driver.delete_all_cookies()  # one browser for both backends: cookies are per host, not per port
    driver.get(server + "/patients")
    assert driver.current_url.endswith("/login")  # no page without signing in
    driver.find_element(By.NAME, "email").send_keys("anna@clinic.example")
    driver.find_element(By.NAME, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    _arrive(driver, "/patients")
    _no_sideways_scroll(driver)
    assert "red flag" in driver.find_element(By.CSS_SELECTOR, "table.patients").text
    for width in (PHONE_PX, DESKTOP_PX):
        _shoot(driver, "patients", width)
    driver.set_window_size(PHONE_PX, 900)
    driver.find_element(By.LINK_TEXT, PATIENT).click()
    _arrive(driver, f"/patients/{PATIENT}")
    assert len(driver.find_elements(By.CSS_SELECTOR, "svg.chart")) >= 5
    for width in (PHONE_PX, DESKTOP_PX):
        _shoot(driver, "patient", width)
    _no_csp_violation(driver)

    # Clear the red flag with a note.
    driver.set_window_size(PHONE_PX, 900)
    form = driver.find_element(By.CSS_SELECTOR, f"form[action$='/red-flags/{flag}/review']")
    form.find_element(By.CSS_SELECTOR, "input[value=cleared]").click()
    form.find_element(By.NAME, "note").send_keys("Called the patient: no weakness on testing; may continue.")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    assert "reviewed: cleared" in _shown(driver, ".flash").text
    assert Accounts(web_store).red_flag_reviews(PATIENT)[flag].note == "Called the patient: no weakness on testing; may continue."
    assert not driver.find_elements(By.CSS_SELECTOR, f"form[action$='/red-flags/{flag}/review']")

    # Upload a broken prescription, read the line-numbered error, then upload a good one.
    versions = len(Accounts(web_store).prescription_versions(PATIENT))
    broken = Path(os.environ.get("TMPDIR", "/tmp")) / f"h20-broken-{os.getpid()}.yaml"
    good = broken.with_name(f"h20-phase2-{os.getpid()}.yaml")
    broken.write_text(EXAMPLE.read_text().replace("min_weeks: 3", "min_weeks: many", 1))
    good.write_text(EXAMPLE.read_text().replace("recheck_every_weeks: 4", "recheck_every_weeks: 5"))
    try:
        driver.find_element(By.CSS_SELECTOR, "input[type=file][name=file]").send_keys(str(broken))
        driver.find_element(By.CSS_SELECTOR, "form[action$='/prescription'] button[type=submit]").click()
        error = _shown(driver, "#prescription-error").text
        line = 1 + EXAMPLE.read_text().splitlines().index("    min_weeks: 3")
        assert f"{broken.name}:{line}: phases[0].min_weeks" in error
        assert len(Accounts(web_store).prescription_versions(PATIENT)) == versions
        _no_sideways_scroll(driver)
        driver.find_element(By.CSS_SELECTOR, "input[type=file][name=file]").send_keys(str(good))
        driver.find_element(By.CSS_SELECTOR, "form[action$='/prescription'] button[type=submit]").click()
        assert "earlier versions are kept" in _shown(driver, ".flash").text
    finally:
        broken.unlink(missing_ok=True)
        good.unlink(missing_ok=True)
    assert len(Accounts(web_store).prescription_versions(PATIENT)) == versions + 1
    assert web_store.prescription(PATIENT).recheck_every_weeks == 5
    _no_csp_violation(driver)
