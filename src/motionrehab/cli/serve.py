"""`motionrehab serve [--store URL] [--host 127.0.0.1] [--port 8765]`: the clinician's web view.

The work is motionrehab.web (Starlette app over the session store); docs/web.md says how to
run it for a clinic behind a TLS reverse proxy.
"""

from __future__ import annotations

import click

from motionrehab.cli.program import open_store, store_option
from motionrehab.errors import MotionRehabError


@click.command()
@store_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (keep localhost; put a TLS proxy in front for a network).")
@click.option("--port", type=click.IntRange(1, 65535), default=8765, show_default=True)
@click.option("--secure-cookies", is_flag=True, help="Mark the session cookie Secure (set this behind an HTTPS reverse proxy).")
@click.option("--forwarded-allow-ips", default="127.0.0.1", show_default=True,
              help="Proxies whose X-Forwarded-For is trusted (the client address is what login rate limits count).")  # fmt: skip
def serve(store_url: str | None, host: str, port: int, secure_cookies: bool, forwarded_allow_ips: str) -> None:
    """Serve the clinician's web view over the session store (sign in with an account from `motionrehab clinician add`)."""
    try:
        import uvicorn

        from motionrehab.web.app import create_app
    except ImportError as error:
        raise MotionRehabError(f"the web view needs its extra packages ({error.name} is missing)", where="serve",
                               fix='pip install "motionrehab[web]"') from None  # fmt: skip
    store = open_store(store_url)
    app = create_app(store, secure_cookies=secure_cookies, warm=True)
    if not app.state.web.accounts.clinicians():
        click.echo("No clinician account yet: make one with `motionrehab clinician add EMAIL --password-stdin --admin`.", err=True)
    click.echo(f"Serving {store.display_url} on http://{host}:{port}/ (Ctrl+C stops)")
    uvicorn.run(app, host=host, port=port, proxy_headers=True, forwarded_allow_ips=forwarded_allow_ips, server_header=False, log_level="info")
