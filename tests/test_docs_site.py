"""The documentation site: `mkdocs build --strict` passes and the docs never point users to files they do not have.

The strict build (dangling links and anchors, pages missing from the nav, docstrings that do not
render) runs when the `docs` extra is installed (CI installs it); the text checks always run.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def test_docs_do_not_point_to_the_development_data_folder() -> None:
    offenders = [
        f"{page.name}:{number}"
        for page in sorted(DOCS.glob("*.md"))
        for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1)
        if "../shared" in line or "DOMAIN.md" in line
    ]
    assert offenders == []


def test_every_page_is_in_the_site_navigation() -> None:
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    listed = set(re.findall(r":\s*([a-z0-9-]+\.md)\s*$", nav, flags=re.MULTILINE))
    assert listed == {page.name for page in DOCS.glob("*.md")}


def test_the_site_builds_strict(tmp_path: Path) -> None:
    pytest.importorskip("mkdocs", reason="the docs extra is not installed (pip install -e '.[docs]')")
    pytest.importorskip("mkdocstrings", reason="the docs extra is not installed (pip install -e '.[docs]')")
    mkdocs = shutil.which("mkdocs", path=str(Path(sys.executable).parent)) or "mkdocs"
    run = subprocess.run(
        [mkdocs, "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT, capture_output=True, text=True, timeout=300, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert run.returncode == 0, run.stderr[-4000:]
    assert "WARNING" not in run.stderr
    cli_page = (tmp_path / "site" / "cli" / "index.html").read_text(encoding="utf-8")
    for command in ("motionrehab analyze hip-hinge", "motionrehab measure slr", "motionrehab batch"):
        assert command in cli_page  # generated from the click commands, lazy group included
    api_page = (tmp_path / "site" / "api" / "index.html").read_text(encoding="utf-8")
    assert "HipHingeAnalyzer" in api_page and "PoseTrack" in api_page


def test_the_site_home_page_gives_the_readmes_commands() -> None:
    # docs/index.md is the README for the site (links made relative to docs/): the commands must not drift apart.
    def bash_blocks(path: Path) -> list[str]:
        return re.findall(r"```bash\n(.*?)```", path.read_text(encoding="utf-8"), re.S)

    readme, home = bash_blocks(ROOT / "README.md"), bash_blocks(ROOT / "docs" / "index.md")
    assert len(readme) >= 2 and home == readme
