"""`motionrehab clinician add EMAIL --password-stdin [--admin]`, `clinician assign EMAIL PATIENT`, `clinician passwd`, `clinician list`.

The work is motionrehab.records.accounts (accounts in the session store) and
motionrehab.web.security (argon2 password hashes). Each change is written to the audit log.
"""

from __future__ import annotations

import getpass
import sys
from typing import TYPE_CHECKING

import click

from motionrehab.cli.program import open_store, store_option
from motionrehab.errors import InvalidDataError, MotionRehabError

if TYPE_CHECKING:  # the library loads when a command runs, not for its --help
    pass


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def _read_password_hash(where: str) -> str:
    """The argon2 hash of the password on the first line of standard input."""
    try:
        from motionrehab.web.security import hash_password
    except ImportError as error:
        raise MotionRehabError(f"accounts need the web extra ({error.name} is missing)", where=where, fix='pip install "motionrehab[web]"') from None
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise InvalidDataError("no password on standard input", where="--password-stdin", fix="echo the password into the command, e.g. from a password manager")
    return hash_password(password)


@click.group()
def clinician() -> None:
    """Clinician accounts for the web view (`motionrehab serve`)."""


@clinician.command()
@click.argument("email")
@click.option("--password-stdin", is_flag=True, required=True, help="Read the password from the first line of standard input (never from the command line).")
@click.option("--admin", is_flag=True, help="An administrator sees every patient and the audit log.")
@store_option
def add(email: str, password_stdin: bool, admin: bool, store_url: str | None) -> None:
    """Create an account for EMAIL with the password read from standard input (at least 12 characters)."""
    from motionrehab.records.accounts import Accounts

    password_hash = _read_password_hash("clinician add")
    store = open_store(store_url)
    try:
        accounts = Accounts(store)
        accounts.add_clinician(email, password_hash, admin=admin)
        account = accounts.clinician(email)
        assert account is not None
        accounts.audit(_actor(), "add_clinician", detail=f"{account.email}{' (admin)' if admin else ''}")
    finally:
        store.close()
    click.echo(f"Added {'administrator' if admin else 'clinician'} {account.email} in {store.display_url}")


@clinician.command()
@click.argument("email")
@click.option("--password-stdin", is_flag=True, required=True, help="Read the new password from the first line of standard input.")
@store_option
def passwd(email: str, password_stdin: bool, store_url: str | None) -> None:
    """Set a new password for EMAIL (ends the account's open sessions and lifts a lock-out)."""
    from motionrehab.records.accounts import Accounts

    password_hash = _read_password_hash("clinician passwd")
    store = open_store(store_url)
    try:
        accounts = Accounts(store)
        accounts.set_password_hash(email, password_hash)
        accounts.audit(_actor(), "set_password", detail=email.strip().lower())
    finally:
        store.close()
    click.echo(f"New password set for {email.strip().lower()}; its open sessions have ended")


@clinician.command()
@click.argument("email")
@click.argument("patient")
@store_option
def assign(email: str, patient: str, store_url: str | None) -> None:
    """Let the clinician EMAIL see PATIENT in the web view."""
    from motionrehab.records.accounts import Accounts

    store = open_store(store_url)
    try:
        accounts = Accounts(store)
        added = accounts.assign(email, patient)
        if added:
            accounts.audit(_actor(), "assign_patient", patient=patient, detail=email.strip().lower())
    finally:
        store.close()
    click.echo(f"{email} {'now sees' if added else 'already sees'} {patient}")


@clinician.command(name="list")
@store_option
def list_(store_url: str | None) -> None:
    """Every account with its patients."""
    from motionrehab.records.accounts import Accounts

    store = open_store(store_url)
    try:
        accounts = Accounts(store)
        for account in accounts.clinicians():
            seen = "every patient" if account.is_admin else (", ".join(accounts.visible_patients(account)) or "no patient yet")
            click.echo(f"{account.email}{' (admin)' if account.is_admin else ''}: {seen}")
    finally:
        store.close()
