"""Settings read from the environment (and an optional `.env`), shared by every layer."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_home() -> Path:
    """`$XDG_DATA_HOME/cibgraph` or `~/.local/share/cibgraph`; the Makefile sets `.neo4j`."""
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "cibgraph"


class Settings(BaseSettings):
    """Connection and local-server settings; names match docker-compose.yml."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    neo4j_uri: str = "neo4j://127.0.0.1:7687"
    neo4j_user: str = "neo4j"
    neo4j_password: SecretStr = SecretStr("cibgraph-local")
    neo4j_database: str = "neo4j"

    # The API server (`cibgraph serve`): worker processes (0: one per core, less one left to a
    # Neo4j on this machine) and the Bolt connections they may hold in all, shared out between
    # them (each worker has its own pool).
    api_workers: int = Field(default=0, ge=0, le=64)
    api_connections: int = Field(default=64, ge=1, le=1_000)

    # The project-managed local server (`cibgraph neo4j ...`).
    cibgraph_home: Path = Field(
        default_factory=_default_home,
        description="Where the Neo4j jars and the local instances live (ignored by git).",
    )
    neo4j_instance: str = Field(
        default="main", pattern=r"^[a-z][a-z0-9_-]{0,30}$", description="Local instance name."
    )
    neo4j_http_port: int = 7474
    neo4j_heap: str = Field(default="4g", pattern=r"^\d+[mg]$")
    neo4j_pagecache: str = Field(default="6g", pattern=r"^\d+[mg]$")
    neo4j_start_timeout: float = 120.0

    # Real data used by tests and benchmarks; never copied into the project.
    cibgraph_data_dir: Path | None = None

    def data_dir(self) -> Path:
        """The real-data folder, or a one-line error saying how to name it."""
        if self.cibgraph_data_dir is None or not self.cibgraph_data_dir.is_dir():
            raise ValueError(
                f"the real-data folder {self.cibgraph_data_dir or '(unset)'} is missing: "
                "set CIBGRAPH_DATA_DIR (a checkout's tests default to ../shared/data)"
            )
        return self.cibgraph_data_dir

    def workers(self) -> int:
        """The API's worker processes: `api_workers`, or when it is 0 one per core, less one
        when Neo4j runs on this machine (at least one).

        A local Neo4j needs a core of its own: on 2 cores with Neo4j local, a second worker
        served no more look-ups or networks a second and lengthened the p95 at 32 clients by
        half (workers share one listening socket, and one of them often held 25-31 of the 32
        connections), so such a machine gets one."""
        cores = os.cpu_count() or 1
        if self.api_workers:
            return self.api_workers
        local = self.bolt_host in ("127.0.0.1", "localhost", "::1")
        return max(1, cores - 1) if local else cores

    def pool_size(self) -> int:
        """Each API worker's Bolt connection pool: its share of `api_connections` (at least 8)."""
        return max(8, self.api_connections // self.workers())

    @property
    def bolt_port(self) -> int:
        """The Bolt port named in `neo4j_uri` (7687 when it names none)."""
        return urlsplit(self.neo4j_uri).port or 7687

    @property
    def bolt_host(self) -> str:
        return urlsplit(self.neo4j_uri).hostname or "127.0.0.1"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
