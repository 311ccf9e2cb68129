"""A local Neo4j 5.26 Community server that the project installs from Maven Central and runs itself.

Neo4j's tarball is not on Maven Central, so `install` builds the server's `lib/` folder from the
published jars with `mvn dependency:copy-dependencies`, and a `plugins/` folder with APOC core
and the open-source Graph Data Science modules. Each instance (`main` for the user, `test` for
the test suite) has its own configuration, data, logs and ports under `<cibgraph_home>/instances`.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from neo4j import GraphDatabase
from neo4j.exceptions import AuthError, Neo4jError, ServiceUnavailable

from cibgraph.settings import Settings

logger = logging.getLogger(__name__)

NEO4J_VERSION = "5.26.19"
BROWSER_VERSION = "5.24.0"
APOC_VERSION = "5.26.19"  # the newest 5.26 APOC; its `core` classifier jar stops at 5.26.5
GDS_VERSION = "2.13.9"  # the 2.13 line is the one built for Neo4j 5.26
MAIN_CLASS = "org.neo4j.server.CommunityEntryPoint"
ADMIN_CLASS = "org.neo4j.server.startup.Neo4jAdminCommand"
MIN_JAVA = 17

_SERVER_POM = f"""<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>cibgraph.local</groupId><artifactId>neo4j-server-lib</artifactId><version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.neo4j</groupId><artifactId>neo4j</artifactId>
      <version>{NEO4J_VERSION}</version></dependency>
    <dependency><groupId>org.neo4j.app</groupId><artifactId>neo4j-server</artifactId>
      <version>{NEO4J_VERSION}</version></dependency>
    <dependency><groupId>org.neo4j.client</groupId><artifactId>neo4j-browser</artifactId>
      <version>{BROWSER_VERSION}</version></dependency>
  </dependencies>
</project>
"""

_PLUGINS_POM = f"""<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>cibgraph.local</groupId><artifactId>neo4j-plugins</artifactId><version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.neo4j.procedure</groupId><artifactId>apoc-core</artifactId>
      <version>{APOC_VERSION}</version></dependency>
    <dependency><groupId>org.neo4j.procedure</groupId><artifactId>apoc-common</artifactId>
      <version>{APOC_VERSION}</version></dependency>
    <dependency><groupId>org.neo4j.gds</groupId><artifactId>proc</artifactId>
      <version>{GDS_VERSION}</version></dependency>
    <dependency><groupId>org.neo4j.gds</groupId><artifactId>proc-sysinfo</artifactId>
      <version>{GDS_VERSION}</version></dependency>
    <dependency><groupId>org.neo4j.gds</groupId><artifactId>opengds-extension</artifactId>
      <version>{GDS_VERSION}</version></dependency>
  </dependencies>
</project>
"""

# Jar names are "<groupId>.<artifactId>-<version>[-<classifier>].jar" (mvn's prependGroupId).
_JAR_COORD = re.compile(r"^(?P<ga>.+?)-\d[^-]*(?:-[A-Za-z][\w.]*)?\.jar$")

# JVM flags the official launcher also sets; the rest of Neo4j's tuning lives in neo4j.conf.
_JVM_FLAGS = (
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Dlog4j2.disable.jmx=true",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
)


class Neo4jServerError(RuntimeError):
    """A failure of the local server with a one-line message that says how to fix it."""


@dataclass(frozen=True)
class Status:
    """What `status` reports about one instance."""

    instance: str
    running: bool
    pid: int | None
    bolt: str
    http: str
    home: Path
    answering: bool


def _run(cmd: list[str], *, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)


def java_version() -> int:
    """The major version of `java` on PATH, or a `Neo4jServerError` when there is none."""
    java = shutil.which("java")
    if java is None:
        raise Neo4jServerError(
            f"Java {MIN_JAVA}+ is required but `java` is not on PATH: "
            "install it (Debian: apt-get install openjdk-17-jre-headless)."
        )
    out = _run([java, "-version"]).stderr
    m = re.search(r'version "(\d+)(?:\.(\d+))?', out)
    if not m:
        raise Neo4jServerError(f"cannot read the Java version from: {out.strip()[:200]}")
    major = int(m.group(1))
    if major == 1 and m.group(2):  # "1.8" style
        major = int(m.group(2))
    if major < MIN_JAVA:
        raise Neo4jServerError(
            f"Neo4j 5 needs Java {MIN_JAVA}+, found Java {major}: "
            "install a newer JDK and put it first on PATH."
        )
    return major


def _port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child still "exists"; treat it as gone.
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


class LocalNeo4j:
    """Install, start, stop and inspect one project-managed Neo4j instance."""

    def __init__(self, settings: Settings, *, instances_root: Path | None = None) -> None:
        self.settings = settings
        self.home = settings.cibgraph_home
        self.dist = self.home / "dist" / NEO4J_VERSION
        self.lib = self.dist / "lib"
        self.plugins = self.dist / "plugins"
        root = instances_root or self.home / "instances"
        self.instance_dir = root / settings.neo4j_instance
        self.conf_dir = self.instance_dir / "conf"
        self.data_dir = self.instance_dir / "data"
        self.logs_dir = self.instance_dir / "logs"
        self.run_dir = self.instance_dir / "run"
        self.pid_file = self.run_dir / "cibgraph-neo4j.pid"
        self.host = "127.0.0.1"

    # ---- install -------------------------------------------------------------------------

    @property
    def installed(self) -> bool:
        return (self.dist / "INSTALLED").is_file()

    def install(self) -> bool:
        """Resolve the server, Browser, APOC and GDS jars into `dist/`; False when already there."""
        if self.installed:
            return False
        java_version()
        mvn = shutil.which("mvn")
        if mvn is None:
            raise Neo4jServerError(
                "Maven is required to install Neo4j's jars but `mvn` is not on PATH: "
                "install it (Debian: apt-get install maven)."
            )
        work = self.home / "maven"
        staging = self.home / "dist" / f".{NEO4J_VERSION}.partial"
        shutil.rmtree(staging, ignore_errors=True)
        for name, pom, out in (
            ("server", _SERVER_POM, staging / "lib"),
            ("plugins", _PLUGINS_POM, staging / "plugins-all"),
        ):
            d = work / name
            d.mkdir(parents=True, exist_ok=True)
            (d / "pom.xml").write_text(pom)
            logger.info("resolving %s jars with Maven", name)
            proc = _run(
                [
                    mvn,
                    "-B",
                    "-q",
                    "dependency:copy-dependencies",
                    "-DincludeScope=runtime",
                    "-Dmdep.prependGroupId=true",
                    f"-DoutputDirectory={out}",
                ],
                cwd=d,
            )
            if proc.returncode != 0:
                tail = (proc.stdout + proc.stderr).strip().splitlines()[-5:]
                raise Neo4jServerError(
                    f"mvn could not resolve the {name} jars (is Maven Central reachable?): "
                    + " | ".join(tail)
                )
        # Plugins share the server's class path: keep only jars the server does not already have,
        # so that one version of each library is loaded.
        server_coords = {_coord(p.name) for p in (staging / "lib").glob("*.jar")}
        (staging / "plugins").mkdir()
        for jar in sorted((staging / "plugins-all").glob("*.jar")):
            if _coord(jar.name) not in server_coords:
                jar.rename(staging / "plugins" / jar.name)
        shutil.rmtree(staging / "plugins-all")
        jars = sorted(p.name for p in staging.glob("*/*.jar"))
        (staging / "INSTALLED").write_text("\n".join(jars) + "\n")
        shutil.rmtree(self.dist, ignore_errors=True)
        self.dist.parent.mkdir(parents=True, exist_ok=True)
        staging.rename(self.dist)
        return True

    # ---- configuration -------------------------------------------------------------------

    def config_text(self) -> str:
        s = self.settings
        return "\n".join(
            [
                "# Written by `cibgraph neo4j start`; edits are overwritten at the next start.",
                f"server.default_listen_address={self.host}",
                f"server.default_advertised_address={self.host}",
                f"server.bolt.listen_address={self.host}:{s.bolt_port}",
                f"server.bolt.advertised_address={self.host}:{s.bolt_port}",
                f"server.http.listen_address={self.host}:{s.neo4j_http_port}",
                f"server.http.advertised_address={self.host}:{s.neo4j_http_port}",
                "server.https.enabled=false",
                "dbms.security.auth_enabled=true",
                f"initial.dbms.default_database={s.neo4j_database}",
                f"server.memory.heap.initial_size={s.neo4j_heap}",
                f"server.memory.heap.max_size={s.neo4j_heap}",
                f"server.memory.pagecache.size={s.neo4j_pagecache}",
                f"server.directories.data={self.data_dir}",
                f"server.directories.logs={self.logs_dir}",
                f"server.directories.run={self.run_dir}",
                f"server.directories.plugins={self.plugins}",
                f"server.directories.import={self.instance_dir / 'import'}",
                f"server.directories.lib={self.lib}",
                "dbms.security.procedures.unrestricted=apoc.*,gds.*",
                "dbms.security.procedures.allowlist=apoc.*,gds.*",
                "server.config.strict_validation.enabled=true",
                "dbms.usage_report.enabled=false",
                # `:play` / `:style` may fetch from the loopback asset server (api/browser.py)
                # and from nowhere else: the Browser works without internet.
                "browser.remote_content_hostname_whitelist=localhost,127.0.0.1",
                "db.tx_log.rotation.retention_policy=2 days 1G",
                "",
            ]
        )

    def _write_config(self) -> None:
        for d in (
            self.conf_dir,
            self.data_dir,
            self.logs_dir,
            self.run_dir,
            self.instance_dir / "import",
        ):
            d.mkdir(parents=True, exist_ok=True)
        (self.conf_dir / "neo4j.conf").write_text(self.config_text())

    def _env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["NEO4J_HOME"] = str(self.instance_dir)
        env["NEO4J_CONF"] = str(self.conf_dir)
        return env

    def _classpath(self) -> str:
        # Plugins go on the class path too: GDS registers kernel extensions through
        # META-INF/services, which Neo4j only discovers on the class path.
        return f"{self.plugins}/*:{self.lib}/*"

    def _set_initial_password(self) -> None:
        if (self.data_dir / "dbms" / "auth.ini").exists() or (
            self.data_dir / "databases" / "system"
        ).exists():
            return
        java = shutil.which("java") or "java"
        proc = subprocess.run(
            [
                java,
                "-cp",
                self._classpath(),
                ADMIN_CLASS,
                "dbms",
                "set-initial-password",
                self.settings.neo4j_password.get_secret_value(),
            ],
            env=self._env(),
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            raise Neo4jServerError(
                "setting the initial password failed (it needs 8+ characters): "
                + (proc.stderr or proc.stdout).strip().splitlines()[-1:][0]
            )

    # ---- lifecycle -----------------------------------------------------------------------

    def pid(self) -> int | None:
        try:
            pid = int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return None
        return pid if _pid_alive(pid) else None

    def answering(self) -> bool:
        s = self.settings
        try:
            # A plain session, not execute_query: its retries would hide a quick answer.
            with (
                GraphDatabase.driver(
                    f"bolt://{self.host}:{s.bolt_port}",
                    auth=(s.neo4j_user, s.neo4j_password.get_secret_value()),
                    connection_timeout=2.0,
                ) as drv,
                drv.session(database=s.neo4j_database) as session,
            ):
                session.run("RETURN 1").consume()
            return True
        except (ServiceUnavailable, OSError):
            return False

    def start(self) -> bool:
        """Start the instance and return once Bolt answers. Returns False if it already ran."""
        if self.pid() is not None:
            self._wait_until_answering(self.pid())
            return False
        if not self.installed:
            raise Neo4jServerError(
                "Neo4j is not installed yet: run `cibgraph neo4j install` first."
            )
        java_version()
        s = self.settings
        for name, port in (("Bolt", s.bolt_port), ("HTTP", s.neo4j_http_port)):
            if not _port_free(self.host, port):
                raise Neo4jServerError(
                    f"{name} port {port} is taken by another process: stop it, or choose another "
                    f"port with {'NEO4J_URI' if name == 'Bolt' else 'NEO4J_HTTP_PORT'}."
                )
        self._write_config()
        self._set_initial_password()
        java = shutil.which("java") or "java"
        cmd = [
            java,
            f"-Xms{s.neo4j_heap}",
            f"-Xmx{s.neo4j_heap}",
            *_JVM_FLAGS,
            "-cp",
            self._classpath(),
            MAIN_CLASS,
            f"--home-dir={self.instance_dir}",
            f"--config-dir={self.conf_dir}",
        ]
        console = (self.logs_dir / "console.log").open("ab")
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=console,
            stderr=subprocess.STDOUT,
            env=self._env(),
            start_new_session=True,  # survives the CLI; stopped by `cibgraph neo4j stop`
        )
        console.close()
        self.pid_file.write_text(f"{proc.pid}\n")
        self._wait_until_answering(proc.pid, proc)
        return True

    def _wait_until_answering(
        self, pid: int | None, proc: subprocess.Popen[bytes] | None = None
    ) -> None:
        deadline = time.monotonic() + self.settings.neo4j_start_timeout
        while time.monotonic() < deadline:
            exited = proc.poll() is not None if proc else (pid is None or not _pid_alive(pid))
            if exited:
                self.pid_file.unlink(missing_ok=True)
                raise Neo4jServerError(
                    f"Neo4j exited during start-up: see {self.logs_dir / 'neo4j.log'} "
                    f"and {self.logs_dir / 'console.log'}."
                )
            try:
                if self.answering():
                    return
            except AuthError:
                raise Neo4jServerError(
                    "Neo4j is up but rejects the password: NEO4J_PASSWORD differs from the one "
                    f"this instance was created with (reset it by deleting {self.data_dir})."
                ) from None
            except Neo4jError:
                pass  # the default database is still starting
            time.sleep(0.5)
        raise Neo4jServerError(
            f"Neo4j did not answer on Bolt within {self.settings.neo4j_start_timeout:.0f}s: "
            f"see {self.logs_dir / 'neo4j.log'}."
        )

    def stop(self, timeout: float = 60.0) -> bool:
        """Shut the instance down cleanly (SIGTERM, then SIGKILL after `timeout`)."""
        pid = self.pid()
        if pid is None:
            self.pid_file.unlink(missing_ok=True)
            return False
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and _pid_alive(pid):
            time.sleep(0.2)
        if _pid_alive(pid):
            logger.warning("Neo4j (pid %d) ignored SIGTERM for %.0fs; killing it", pid, timeout)
            os.kill(pid, signal.SIGKILL)
        self.pid_file.unlink(missing_ok=True)
        return True

    def status(self) -> Status:
        pid = self.pid()
        s = self.settings
        return Status(
            instance=s.neo4j_instance,
            running=pid is not None,
            pid=pid,
            bolt=f"bolt://{self.host}:{s.bolt_port}",
            http=f"http://{self.host}:{s.neo4j_http_port}/browser/",
            home=self.instance_dir,
            answering=pid is not None and self.answering(),
        )


def _coord(jar_name: str) -> str:
    m = _JAR_COORD.match(jar_name)
    return m.group("ga") if m else jar_name
