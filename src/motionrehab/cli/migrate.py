"""`motionrehab migrate`: move the session store's schema to the newest revision, or down to an older one.

Opening a store upgrades it anyway; this command is for a clinic's database administrator
(upgrade at a chosen moment, or go back before reinstalling an older motionrehab). The work is
motionrehab.records.store.migrate_store (Alembic revisions in motionrehab/records/migrations).
"""

from __future__ import annotations

from pathlib import Path

import click

from motionrehab.cli.program import store_option


@click.command()
@click.option("--to", "target", default="head", show_default=True, metavar="REVISION",
              help="Revision to move to: 'head' (newest) or a revision id from --list.")  # fmt: skip
@click.option("--list", "show", is_flag=True, help="List the revisions, marking the store's, and change nothing.")
@click.option("--yes", is_flag=True, help="Downgrade without asking (a downgrade removes what newer revisions added, data included).")
@store_option
def migrate(target: str, show: bool, yes: bool, store_url: str | None) -> None:
    """Bring the session store's schema to REVISION (default: the newest)."""
    import sqlalchemy as sa

    from motionrehab.records import migrations
    from motionrehab.records.store import default_store_url, migrate_store, store_revision

    if store_url and "://" not in store_url:
        store_url = f"sqlite:///{Path(store_url).expanduser().resolve()}"
    url = store_url or default_store_url()
    display_url = sa.engine.make_url(url).render_as_string(hide_password=True)
    current = store_revision(url)
    order = [revision for revision, _ in migrations.revisions()]
    if show:
        click.echo(f"{display_url}: schema revision {current or 'none (empty)'}")
        for revision, doc in migrations.revisions():
            click.echo(f"{'*' if revision == current else ' '} {revision}  {doc.splitlines()[0] if doc else ''}")
        return
    wanted = migrations.head_revision() if target == "head" else target
    going_down = current in order and (wanted == "base" or (wanted in order and order.index(wanted) < order.index(current)))
    if going_down and not yes:
        click.confirm(f"Downgrade {display_url} from {current} to {wanted}? What the newer revisions added is removed, data included", abort=True)
    before, after = migrate_store(url, target)
    if before == after:
        click.echo(f"{display_url}: already at schema revision {after}")
    else:
        click.echo(f"{display_url}: schema revision {before or 'none (empty)'} -> {after or 'none (empty)'}")
