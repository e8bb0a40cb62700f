"""A local Neo4j Community server assembled from Maven Central, for users without Docker.

Why this exists: our machines (and many lab machines) reach package registries but not
the Neo4j download site, and have no container engine. The official tarball is a set of
jars from Maven Central plus a launcher and config files, so we rebuild it: Maven copies
the jars of ``org.neo4j:neo4j`` and ``org.neo4j.client:neo4j-browser`` into ``lib/``,
kgtwin writes ``conf/`` and runs the server's JVM itself, in the background, with the
command line Neo4j's bootloader (``neo4j start``) would build, and writes
``run/neo4j.pid``. Skipping the bootloader's own JVM saves about two seconds on each
start and each stop, which every bulk push pays.

Layout of the home folder::

    lib/              jars (resolved once; ``lib/.kgtwin-resolved`` records the versions)
    conf/             neo4j.conf, server-logs.xml, user-logs.xml
    data/ logs/ run/ import/ plugins/
    maven/pom.xml     what Maven resolved
    password          the neo4j user's password, mode 0600
    kgtwin-neo4j.json ports and versions of the last start, read by status/stop
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import time
import zipfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path

from kgtwin.neo4j.errors import Neo4jServerError

log = logging.getLogger(__name__)

#: Latest 5.26 LTS on Maven Central when this was written (5.26.27 and 5.26.31 are absent).
NEO4J_VERSION = "5.26.30"
#: The last Neo4j Browser published to Maven Central; a static client, works with 5.26.
BROWSER_VERSION = "5.24.0"
DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.6.1"
USER = "neo4j"
ENV_HOME = "KGTWIN_NEO4J_HOME"
STATE_FILE = "kgtwin-neo4j.json"
PASSWORD_FILE = "password"
_STAMP = ".kgtwin-resolved"
_ENTRY_POINT = "org.neo4j.server.CommunityEntryPoint"
PID_FILE = Path("run") / "neo4j.pid"
_SUPPORTED_JAVA = (17, 21)

# The server JVM's flags: those the 5.26 distribution puts in server.jvm.additional
# (Netty and the page cache need the opens; the rest is the tarball's defaults minus
# AlwaysPreTouch, which would touch the whole heap at start on small machines).
JVM_FLAGS = (
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+UnlockDiagnosticVMOptions",
    "-XX:+DebugNonSafepoints",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Djdk.tls.ephemeralDHKeySize=2048",
    "-Djdk.tls.rejectClientInitiatedRenegotiation=true",
    "-XX:FlightRecorderOptions=stackdepth=256",
    "-Dlog4j2.disable.jmx=true",
    "-Dfile.encoding=UTF-8",
)


def default_home() -> Path:
    """``$KGTWIN_NEO4J_HOME`` or ``~/.kgtwin/neo4j``."""
    return Path(os.environ.get(ENV_HOME) or Path.home() / ".kgtwin" / "neo4j").expanduser()


@dataclass(frozen=True)
class ServerConfig:
    """What a local server is: where it lives, where it listens, how much memory it takes."""

    home: Path
    bolt_port: int = 7687
    http_port: int = 7474
    heap: str = "1g"
    pagecache: str = "1g"
    neo4j_version: str = NEO4J_VERSION
    browser_version: str = BROWSER_VERSION

    @classmethod
    def load(cls, home: Path | None = None, **overrides: object) -> ServerConfig:
        """The config of the last start in ``home`` (defaults if none), with ``overrides``."""
        home = (home or default_home()).expanduser().resolve()
        values: dict[str, object] = {}
        state = home / STATE_FILE
        if state.is_file():
            saved = json.loads(state.read_text())
            values.update({k: v for k, v in saved.items() if k in cls.__dataclass_fields__})
        values.update({k: v for k, v in overrides.items() if v is not None})
        values["home"] = home
        return cls(**values)  # type: ignore[arg-type]

    @property
    def bolt_uri(self) -> str:
        return f"bolt://127.0.0.1:{self.bolt_port}"

    @property
    def browser_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/browser/"

    @property
    def password_file(self) -> Path:
        return self.home / PASSWORD_FILE


@dataclass(frozen=True)
class ServerStatus:
    """What ``kgtwin neo4j status`` reports."""

    home: Path
    running: bool
    pid: int | None
    bolt_uri: str
    browser_url: str
    user: str
    password_file: Path | None
    bolt_listening: bool
    neo4j_version: str

    def as_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["home"] = str(self.home)
        data["password_file"] = str(self.password_file) if self.password_file else None
        return data


class LocalServer:
    """Installs, configures, starts and stops one Neo4j home. Every method works on its own."""

    def __init__(self, config: ServerConfig):
        self.config = config
        self.home = config.home

    # --- assembling ------------------------------------------------------------------
    def jars_current(self) -> bool:
        """Whether ``lib/`` holds the jars of the configured versions."""
        wanted = f"neo4j={self.config.neo4j_version} browser={self.config.browser_version}\n"
        stamp = self.home / "lib" / _STAMP
        return stamp.is_file() and stamp.read_text() == wanted

    def install(self) -> bool:
        """Resolve the jars into ``lib/`` unless these versions are there; True if resolved now."""
        lib = self.home / "lib"
        wanted = f"neo4j={self.config.neo4j_version} browser={self.config.browser_version}\n"
        stamp = lib / _STAMP
        if self.jars_current():
            log.debug("jars already resolved in %s", lib)
            return False
        mvn = shutil.which("mvn")
        if mvn is None:
            raise Neo4jServerError("Maven (mvn) is needed to fetch Neo4j's jars; install it")
        pom_dir = self.home / "maven"
        pom_dir.mkdir(parents=True, exist_ok=True)
        template = resources.files("kgtwin.neo4j").joinpath("server-pom.xml").read_text()
        pom = template.replace("@NEO4J_VERSION@", self.config.neo4j_version).replace(
            "@BROWSER_VERSION@", self.config.browser_version
        )
        (pom_dir / "pom.xml").write_text(pom)
        staging = self.home / "lib.partial"
        shutil.rmtree(staging, ignore_errors=True)
        log.info("resolving Neo4j %s jars with Maven", self.config.neo4j_version)
        command = [
            mvn, "-q", "-B", "-f", str(pom_dir / "pom.xml"),
            f"{DEPENDENCY_PLUGIN}:copy-dependencies",
            "-DincludeScope=runtime", f"-DoutputDirectory={staging}",
        ]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            tail = (done.stdout + done.stderr).strip().splitlines()[-15:]
            raise Neo4jServerError("Maven could not resolve Neo4j's jars:\n" + "\n".join(tail))
        # Swap in whole so a failed resolve never leaves a half-filled lib/.
        shutil.rmtree(lib, ignore_errors=True)
        staging.rename(lib)
        stamp.write_text(wanted)
        return True

    def configure(self) -> None:
        """Write ``conf/`` for the current config (rewritten each start: ports may change)."""
        for folder in ("conf", "data", "logs", "run", "import", "plugins"):
            (self.home / folder).mkdir(parents=True, exist_ok=True)
        _make_private(self.home)
        conf = self.home / "conf"
        (conf / "neo4j.conf").write_text(self._neo4j_conf())
        # The tarball's conf/*-logs.xml are the defaults neo4j-logging ships in its jar.
        logging_jar = self.home / "lib" / f"neo4j-logging-{self.config.neo4j_version}.jar"
        with zipfile.ZipFile(logging_jar) as jar:
            for name in ("server-logs.xml", "user-logs.xml"):
                (conf / name).write_bytes(jar.read(f"default-{name}"))

    def _neo4j_conf(self) -> str:
        c = self.config
        lines = [
            "# Written by kgtwin (kgtwin/neo4j/server.py); rewritten on every start.",
            "server.default_listen_address=127.0.0.1",
            "server.default_advertised_address=127.0.0.1",
            f"server.bolt.listen_address=127.0.0.1:{c.bolt_port}",
            f"server.bolt.advertised_address=127.0.0.1:{c.bolt_port}",
            f"server.http.listen_address=127.0.0.1:{c.http_port}",
            f"server.http.advertised_address=127.0.0.1:{c.http_port}",
            "server.https.enabled=false",
            "server.directories.import=import",
            "dbms.security.auth_enabled=true",
            "dbms.usage_report.enabled=false",
            "client.allow_telemetry=false",
            f"server.memory.heap.initial_size={c.heap}",
            f"server.memory.heap.max_size={c.heap}",
            f"server.memory.pagecache.size={c.pagecache}",
            "db.tx_log.rotation.retention_policy=2 days 2G",
            # Bolt's network threads wait 5 s of quiet, twice, before a stop completes;
            # the databases are already closed by then (a stop took 12.5 s, now 0.4).
            "internal.dbms.bolt.netty_server_shutdown_quiet_period=0",
            "internal.dbms.bolt.netty_server_shutdown_timeout=1",
        ]
        return "\n".join(lines) + "\n"

    def ensure_password(self, password: str | None) -> None:
        """Set the initial password before the first start; keep it in a 0600 file."""
        if (self.home / "data" / "dbms" / "auth.ini").is_file():
            if password is not None and self._stored_password() not in (None, password):
                raise Neo4jServerError(
                    "this server already has a password (see "
                    f"{self.config.password_file}); --password only applies on first start"
                )
            return
        if password is None:
            password = self._stored_password() or secrets.token_urlsafe(18)
        if len(password) < 8:
            raise Neo4jServerError("Neo4j needs a password of at least 8 characters")
        _write_private(self.config.password_file, password + "\n")
        # The password goes through a picocli @argfile, not argv, so `ps` never shows it.
        argfile = self.home / "run" / "initial-password.args"
        quoted = password.replace("\\", "\\\\").replace('"', '\\"')
        _write_private(argfile, f'"{quoted}"\n')
        try:
            self._java("org.neo4j.cli.AdminTool", "dbms", "set-initial-password", f"@{argfile}")
        finally:
            argfile.unlink(missing_ok=True)
        log.info("initial password set; stored in %s", self.config.password_file)

    def _stored_password(self) -> str | None:
        file = self.config.password_file
        return file.read_text().rstrip("\n") if file.is_file() else None

    # --- running ---------------------------------------------------------------------
    def start(self, password: str | None = None, timeout: float = 180.0,
              progress: Callable[[str], None] | None = None) -> ServerStatus:
        """Assemble if needed, start in the background and wait until Bolt accepts a login.

        ``progress`` is told each long step (a first start fetches the jars; the JVM takes
        tens of seconds to answer), so a command line is not silent meanwhile."""
        if self.pid() is not None:
            log.info("Neo4j already running in %s", self.home)
            return self.status()
        say = progress or (lambda _message: None)
        self._check_java()
        self.home.mkdir(parents=True, exist_ok=True)
        if not self.jars_current():
            say(f"fetching Neo4j {self.config.neo4j_version} and Browser from Maven Central "
                "(first start only, about 130 MB)...")
        self.install()
        self.configure()
        self.ensure_password(password)
        _check_port_free(self.config.bolt_port)
        _check_port_free(self.config.http_port)
        state = {k: v for k, v in asdict(self.config).items() if k != "home"}
        (self.home / STATE_FILE).write_text(json.dumps(state, indent=2) + "\n")
        say(f"starting Neo4j in {self.home}; waiting for Bolt at {self.config.bolt_uri}...")
        self._wait_for_bolt(self._launch(), timeout, say)
        return self.status()

    def _launch(self) -> int:
        """Run the server JVM in its own session (it outlives kgtwin), output to the log;
        its process id."""
        home, heap = self.home, self.config.heap
        command = [
            _java_binary(), "-cp", f"{home / 'conf'}/*{os.pathsep}{home / 'lib'}/*",
            *JVM_FLAGS, f"-Xms{heap}", f"-Xmx{heap}",
            _ENTRY_POINT, f"--home-dir={home}", f"--config-dir={home / 'conf'}",
        ]  # fmt: skip
        env = dict(os.environ, NEO4J_HOME=str(home), NEO4J_CONF=str(home / "conf"))
        with open(home / "logs" / "neo4j.log", "ab") as output:
            process = subprocess.Popen(
                command, cwd=home, env=env, stdin=subprocess.DEVNULL, stdout=output,
                stderr=subprocess.STDOUT, start_new_session=True, umask=PRIVATE_UMASK,
            )  # fmt: skip
        (home / PID_FILE).write_text(f"{process.pid}\n")
        return process.pid

    def stop(self, timeout: float = 120.0) -> bool:
        """Stop the server if it runs (SIGTERM: it checkpoints and closes cleanly); True if
        it was running."""
        pid = self.pid()
        if pid is None:
            return False
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while _alive(pid):
            if time.monotonic() > deadline:
                raise Neo4jServerError(
                    f"Neo4j (pid {pid}) did not stop within {timeout:.0f}s:\n" + self._log_tail()
                )
            time.sleep(0.1)
        (self.home / PID_FILE).unlink(missing_ok=True)
        return True

    def pid(self) -> int | None:
        """The server's process id, if the pid file names a live Neo4j of this home."""
        pid_file = self.home / PID_FILE
        try:
            pid = int(pid_file.read_text().strip())
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
        except (OSError, ValueError):
            return None
        return pid if _ENTRY_POINT in cmdline and str(self.home) in cmdline else None

    def status(self) -> ServerStatus:
        c = self.config
        pid = self.pid()
        return ServerStatus(
            home=self.home,
            running=pid is not None,
            pid=pid,
            bolt_uri=c.bolt_uri,
            browser_url=c.browser_url,
            user=USER,
            password_file=c.password_file if c.password_file.is_file() else None,
            bolt_listening=_port_open(c.bolt_port),
            neo4j_version=c.neo4j_version,
        )

    def _wait_for_bolt(self, pid: int, timeout: float,
                       say: Callable[[str], None] = lambda _message: None) -> None:
        from neo4j import GraphDatabase
        from neo4j.exceptions import AuthError, ServiceUnavailable

        password = self._stored_password()
        uri = self.config.bolt_uri
        began = time.monotonic()
        deadline, next_word = began + timeout, began + 10
        while True:
            if time.monotonic() > next_word:
                say(f"  still starting ({time.monotonic() - began:.0f} s)")
                next_word += 10
            if not _alive(pid):
                raise Neo4jServerError("Neo4j stopped while starting:\n" + self._log_tail())
            try:
                with GraphDatabase.driver(uri, auth=(USER, password)) as driver:
                    driver.verify_connectivity()
                log.info("Neo4j answers at %s", uri)
                return
            except AuthError as error:
                raise Neo4jServerError(
                    f"Neo4j at {uri} refused the password in "
                    f"{self.config.password_file}: {error.message}"
                ) from None
            except (ServiceUnavailable, OSError):
                if time.monotonic() > deadline:
                    raise Neo4jServerError(
                        f"Bolt did not answer within {timeout:.0f}s:\n" + self._log_tail()
                    ) from None
                time.sleep(0.2)

    def _log_tail(self, lines: int = 20) -> str:
        log_file = self.home / "logs" / "neo4j.log"
        if not log_file.is_file():
            return "(no logs/neo4j.log)"
        return "\n".join(log_file.read_text(errors="replace").splitlines()[-lines:])

    def import_database(
        self,
        arguments: list[str],
        *,
        database: str = "neo4j",
        heap: str = "1g",
        timeout: float = 3600.0,
    ) -> str:
        """``neo4j-admin database import full <database> --overwrite-destination …``.

        The server must be stopped. The options go through a picocli @argfile, so any
        number of files fits. Callers decide whether overwriting is allowed.
        """
        if self.pid() is not None:
            raise Neo4jServerError("stop the server before a bulk import")
        argfile = self.home / "run" / "import.args"
        argfile.parent.mkdir(parents=True, exist_ok=True)
        argfile.write_text("".join(_argfile_line(a) for a in arguments))
        report = self.home / "logs" / "import.report"
        try:
            return self._java(
                "org.neo4j.cli.AdminTool", "database", "import", "full", database,
                "--overwrite-destination=true", f"--report-file={report}", f"@{argfile}",
                timeout=timeout, heap=heap, flags=("-XX:+UseParallelGC",),
            )  # fmt: skip
        finally:
            argfile.unlink(missing_ok=True)

    def _java(
        self,
        main: str,
        *args: str,
        timeout: float = 180.0,
        heap: str = "256m",
        flags: tuple[str, ...] = (),
    ) -> str:
        """Run a Neo4j tool's ``main`` to completion; its output, or an error with it."""
        env = dict(os.environ, NEO4J_HOME=str(self.home), NEO4J_CONF=str(self.home / "conf"))
        command = [_java_binary(), f"-Xmx{heap}", *flags, "-cp", str(self.home / "lib" / "*"),
                   main, *args]  # fmt: skip
        try:
            done = subprocess.run(
                command, env=env, capture_output=True, text=True, timeout=timeout, check=False,
                umask=PRIVATE_UMASK,
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            raise Neo4jServerError(f"{main} {args[0]} took longer than {timeout:.0f}s") from None
        output = (done.stdout + done.stderr).strip()
        log.debug("%s %s: %s", main, args[0], output)
        if done.returncode != 0:
            raise Neo4jServerError(f"{main} {args[0]} failed:\n{output}\n{self._log_tail()}")
        return output

    def _check_java(self) -> None:
        done = subprocess.run(
            [_java_binary(), "-version"], capture_output=True, text=True, check=False
        )
        match = re.search(r'version "(\d+)', done.stderr)
        major = int(match.group(1)) if match else 0
        if major not in _SUPPORTED_JAVA:
            raise Neo4jServerError(
                f"Neo4j {self.config.neo4j_version} runs on Java 17 or 21; found "
                f"{major or 'no java'} (set JAVA_HOME)"
            )


def _alive(pid: int) -> bool:
    """Whether any thread of process ``pid`` still runs (a JVM's main thread exits first
    and shows as a zombie while the others shut the server down)."""
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reap it if kgtwin started it in this process
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    fields = dict(line.split(":\t", 1) for line in status.splitlines() if ":\t" in line)
    return not fields.get("State", "").startswith(("Z", "X")) or fields.get("Threads") != "1"


def _java_binary() -> str:
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").is_file():
        return str(Path(java_home) / "bin" / "java")
    found = shutil.which("java")
    if found is None:
        raise Neo4jServerError("Java 17 or 21 is needed to run Neo4j; install a JDK")
    return found


def _argfile_line(argument: str) -> str:
    """One argument in a picocli @argfile (quoted, backslashes and quotes escaped)."""
    return '"' + argument.replace("\\", "\\\\").replace('"', '\\"') + '"\n'


#: The server and its tools create files for their owner only: the auth file
#: (data/dbms/auth.ini), the store files and the logs with their queries.
PRIVATE_UMASK = 0o077


def _make_private(home: Path) -> None:
    """The home folder 0700 (nothing below it reachable by others), the auth file 0600.

    Also tightens a home made by an older kgtwin, whose files were created 0644.
    """
    home.chmod(0o700)
    for folder in ("data", "logs", "run", "conf"):
        if (home / folder).is_dir():
            (home / folder).chmod(0o700)
    auth = home / "data" / "dbms" / "auth.ini"
    if auth.exists():
        auth.chmod(0o600)


def _write_private(path: Path, text: str) -> None:
    """Write a file only its owner can read, created so from the start (no 0644 window)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    os.chmod(path, 0o600)


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _check_port_free(port: int) -> None:
    if _port_open(port):
        raise Neo4jServerError(f"port {port} on 127.0.0.1 is taken by another program")
