"""The built wheel, installed into a fresh virtual environment outside the checkout, works.

This is what `pip install .` and the Docker image do: if a module, a query file or an asset is
missing from the package data, the installed `cibgraph` finds fewer queries or fails to import,
and this test says so. The API it starts talks to the test Neo4j instance.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
import venv
from collections.abc import Iterator
from pathlib import Path

import pytest

from cibgraph.neo4j.server import LocalNeo4j
from cibgraph.settings import Settings

REPO_ROOT = Path(__file__).resolve().parent.parent
SOURCE_TREE = REPO_ROOT / "src" / "cibgraph"

pytestmark = pytest.mark.slow  # builds a wheel and a virtual environment: not the fast lane


def _run(cmd: list[str], *, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{' '.join(cmd)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A venv outside the checkout with the wheel built from this checkout installed in it."""
    root = tmp_path_factory.mktemp("wheel")
    dist = root / "dist"
    _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dist), "."],
        cwd=REPO_ROOT,
    )
    (wheel,) = dist.glob("cibgraph-*.whl")
    env_dir = root / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    _run([str(env_dir / "bin" / "pip"), "install", "--quiet", str(wheel)], cwd=root)
    yield env_dir


def _clean_env(settings: Settings, **extra: str) -> dict[str, str]:
    """The test instance's settings, and nothing that points back into the checkout."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env.update(
        {
            "NEO4J_URI": settings.neo4j_uri,
            "NEO4J_USER": settings.neo4j_user,
            "NEO4J_PASSWORD": settings.neo4j_password.get_secret_value(),
            "NEO4J_DATABASE": settings.neo4j_database,
            **extra,
        }
    )
    return env


def test_the_wheel_holds_every_module_and_query_file(installed: Path, tmp_path: Path) -> None:
    python = installed / "bin" / "python"
    probe = (
        "import cibgraph, pathlib; p = pathlib.Path(cibgraph.__file__).parent; "
        "print(p); print(sum(1 for _ in p.rglob('*.py'))); "
        "print(sum(1 for _ in p.rglob('*.cypher')))"
    )
    where, modules, queries = _run([str(python), "-c", probe], cwd=tmp_path).split()
    assert Path(where).is_relative_to(installed), f"cibgraph imported from {where}"
    assert int(modules) == sum(1 for _ in SOURCE_TREE.rglob("*.py"))
    assert int(queries) == sum(1 for _ in SOURCE_TREE.rglob("*.cypher"))


def test_installed_cli_lists_every_query(
    installed: Path, tmp_path: Path, settings: Settings
) -> None:
    listed = _run(
        [str(installed / "bin" / "cibgraph"), "query", "list"],
        cwd=tmp_path,
        env=_clean_env(settings, COLUMNS="300"),
    )
    names = {
        p.relative_to(SOURCE_TREE / "cypher").with_suffix("").as_posix()
        for p in SOURCE_TREE.rglob("*.cypher")
    }
    assert len(names) > 90
    missing = sorted(n for n in names if n not in listed)
    assert missing == []


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def test_installed_api_answers_healthz(
    installed: Path, tmp_path: Path, settings: Settings, neo4j_server: LocalNeo4j
) -> None:
    port = _free_port()
    proc = subprocess.Popen(
        [str(installed / "bin" / "cibgraph"), "serve", "--port", str(port)],
        cwd=tmp_path,
        env=_clean_env(settings),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        body = ""
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
                    body = r.read().decode()
                    break
            except OSError:
                time.sleep(0.3)
        assert proc.poll() is None, proc.communicate()[0]
        assert body == '{"status":"ok","neo4j":true}'
    finally:
        proc.terminate()
        proc.wait(timeout=30)
