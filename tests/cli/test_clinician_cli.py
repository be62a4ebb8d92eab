"""CLI: clinician add / assign / list (accounts for the web view) and serve --help."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from motionrehab.cli.main import main
from motionrehab.program.prescription import load_prescription
from motionrehab.records.accounts import Accounts, audit_log
from motionrehab.records.store import SessionStore

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "prescription.yaml"


@pytest.fixture
def store_path(tmp_path):
    path = tmp_path / "clinic.sqlite"
    store = SessionStore(f"sqlite:///{path}")
    store.assign_prescription(load_prescription(EXAMPLE), EXAMPLE.read_text())
    store.close()
    return path


def test_add_assign_list(store_path, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough passphrase\n"))
    assert main(["clinician", "add", "Anna@Clinic.example", "--password-stdin", "--store", str(store_path)]) == 0
    assert capsys.readouterr().out.startswith("Added clinician anna@clinic.example")
    assert main(["clinician", "assign", "anna@clinic.example", "P-7F3A2C", "--store", str(store_path)]) == 0
    assert "now sees P-7F3A2C" in capsys.readouterr().out
    assert main(["clinician", "list", "--store", str(store_path)]) == 0
    assert capsys.readouterr().out.strip() == "anna@clinic.example: P-7F3A2C"
    store = SessionStore(f"sqlite:///{store_path}")
    account = Accounts(store).clinician("anna@clinic.example")
    assert account is not None and not account.is_admin and account.password_hash.startswith("$argon2id$")
    assert PasswordHasher().verify(account.password_hash, "a long enough passphrase")  # the hash, never the password
    with store.engine.connect() as conn:
        actions = [r.action for r in conn.execute(audit_log.select().order_by(audit_log.c.id))]
    assert actions == ["add_clinician", "assign_patient"]
    store.close()


@pytest.mark.parametrize(("args", "stdin", "message"), [
    (["clinician", "add", "anna@clinic.example", "--password-stdin"], "short\n", "at least 12 are needed"),
    (["clinician", "add", "not-an-email", "--password-stdin"], "a long enough passphrase\n", "is not an e-mail address"),
    (["clinician", "add", "anna@clinic.example", "--password-stdin"], "", "no password on standard input"),
    (["clinician", "assign", "nobody@clinic.example", "P-7F3A2C"], "", "no account for nobody@clinic.example"),
])  # fmt: skip
def test_bad_input_exits_2_with_a_sentence(store_path, monkeypatch, capsys, args, stdin, message):
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    assert main([*args, "--store", str(store_path)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_duplicate_account_and_unknown_patient(store_path, monkeypatch, capsys):
    for _ in range(2):
        monkeypatch.setattr("sys.stdin", io.StringIO("a long enough passphrase\n"))
        main(["clinician", "add", "ben@clinic.example", "--password-stdin", "--admin", "--store", str(store_path)])
    assert "ben@clinic.example already has an account" in capsys.readouterr().err
    assert main(["clinician", "assign", "ben@clinic.example", "P-NOBODY", "--store", str(store_path)]) == 2
    assert "no patient 'P-NOBODY'" in capsys.readouterr().err


def test_passwd_replaces_the_hash_and_lifts_a_lock_out(store_path, monkeypatch, capsys):
    import datetime as dt

    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough passphrase\n"))
    assert main(["clinician", "add", "cara@clinic.example", "--password-stdin", "--store", str(store_path)]) == 0
    store = SessionStore(f"sqlite:///{store_path}")
    accounts = Accounts(store)
    old = accounts.clinician("cara@clinic.example")
    accounts.record_login_failure(old.id, max_failures=1, lock_for=dt.timedelta(hours=1), now=dt.datetime.now())
    monkeypatch.setattr("sys.stdin", io.StringIO("another long passphrase\n"))
    assert main(["clinician", "passwd", "cara@clinic.example", "--password-stdin", "--store", str(store_path)]) == 0
    new = accounts.clinician("cara@clinic.example")
    assert new.password_hash != old.password_hash and new.locked_until is None
    assert PasswordHasher().verify(new.password_hash, "another long passphrase")
    store.close()
    monkeypatch.setattr("sys.stdin", io.StringIO("another long passphrase\n"))
    assert main(["clinician", "passwd", "nobody@clinic.example", "--password-stdin", "--store", str(store_path)]) == 2


def test_serve_help(capsys):
    assert main(["serve", "--help"]) == 0
    out = capsys.readouterr().out
    assert "--host" in out and "127.0.0.1" in out and "--port" in out and "8765" in out and "--store" in out


@pytest.mark.slow
def test_serve_answers_on_localhost(store_path, tmp_path):
    """`motionrehab serve` as a user runs it: uvicorn on 127.0.0.1, the sign-in page with its security headers."""
    import os
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "MOTIONREHAB_WEB_SECRET": "s" * 40}
    server = subprocess.Popen([sys.executable, "-m", "motionrehab.cli.main", "serve", "--store", str(store_path), "--port", str(port)],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=5) as response:
                    body, headers = response.read().decode(), response.headers
                break
            except OSError:
                assert server.poll() is None, server.stdout.read() if server.stdout else ""
                assert time.monotonic() < deadline, "the server did not answer within 90 s"
                time.sleep(0.3)
        assert 'name="csrf_token"' in body and headers["X-Frame-Options"] == "DENY" and "script-src" not in headers["Content-Security-Policy"]
        assert "server" not in {k.lower() for k in headers}  # no software banner
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert f"on http://127.0.0.1:{port}/" in output and "No clinician account yet" in output
