"""A warm process for many-region runs: the libraries are imported once per run, not per region.

Importing geopandas, the model, the solver interface, the map and briefing code costs about two CPU
seconds, more than a small region's own work. During a many-region run the workflow starts one
server (``python -m riskmap.warm serve SOCKET``, Snakefile ``onstart``) that imports them and
waits on a Unix socket; each region job (``riskmap.steps.run_region``) hands it its arguments,
working directory, environment and standard streams, and the server forks a child that runs
the region exactly as the job would have in its own process, then reports its exit status.

Everything degrades to the plain path: no socket configured (``RISKMAP_WARM_SOCKET`` unset), a
server not yet listening, a job on another machine (cluster): the job runs in its own process.
The server ends when the workflow that started it ends (its parent process goes away) or when
it is told to stop. Outputs are the same bytes either way (the many-region tests compare them
with single-region runs).
"""

from __future__ import annotations

import array
import importlib
import json
import os
import signal
import socket
import struct
import sys
import time
from pathlib import Path

#: Environment variables holding the server's socket path and process id (set by the Snakefile).
SOCKET_ENV = "RISKMAP_WARM_SOCKET"
PID_ENV = "RISKMAP_WARM_PID"
HOST_ENV = "RISKMAP_WARM_HOST"

#: How long a job waits for a server that is still importing (it would import as long itself).
STARTUP_WAIT_S = 120.0

#: Modules the server imports before it accepts requests (what the region steps use): the
#: steps, then what they import only where it is used (the planner's stage task modules, the
#: roster's spreadsheet writer, geopandas' plotting, the briefing chart's SVG backend), which
#: a region would otherwise import again in every forked child.
PRELOAD = (
    "riskmap.steps.ingest",
    "riskmap.steps.score",
    "riskmap.steps.allocate",
    "riskmap.steps.render_map",
    "riskmap.steps.render_briefing",
    "riskmap.steps.run_region",
    "riskmap.planner.campaign",
    "riskmap.planner.escalation",
    "riskmap.planner.escorts",
    "riskmap.planner.guards",
    "riskmap.planner.patrols",
    "openpyxl",
    "matplotlib.pyplot",
    "matplotlib.backends.backend_svg",
)

#: Imported when the machine can load them: WeasyPrint (the briefing PDF) needs the system's
#: Pango; without it the briefing step reports the missing library itself.
PRELOAD_OPTIONAL = ("weasyprint",)

_STATUS = struct.Struct("!i")
_MAX_REQUEST = 16 * 1024 * 1024


def _recv_exact(conn: socket.socket, n: int) -> bytes:
    buf = b""
    while len(buf) < n:
        chunk = conn.recv(n - len(buf))
        if not chunk:
            raise ConnectionError("peer closed the connection")
        buf += chunk
    return buf


def _alive(pid: str) -> bool:
    try:
        os.kill(int(pid), 0)
    except (ValueError, OSError):
        return False
    return True


def wait_for_server(path: Path, pid: str) -> bool:
    """True once ``path`` exists; waits while the server ``pid`` is alive and still starting."""
    deadline = time.monotonic() + STARTUP_WAIT_S
    while not path.exists():
        if not _alive(pid) or time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def run_remote(argv: list[str], *, path: str | None = None) -> int | None:
    """Run ``riskmap.steps.run_region.main(argv)`` in the warm server; None when unavailable.

    The server gets this process's working directory, environment and standard streams
    (stdin, stdout, stderr), so the region's logs and messages land where they would have.
    """
    if path is None:
        path = os.environ.get(SOCKET_ENV)
        if os.environ.get(HOST_ENV, socket.gethostname()) != socket.gethostname():
            return None  # a cluster job on another machine: the server is not here
    if not path or not wait_for_server(Path(path), os.environ.get(PID_ENV, "")):
        return None
    request = json.dumps({"argv": argv, "cwd": os.getcwd(), "env": dict(os.environ)}).encode()
    try:
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        conn.connect(path)
    except OSError:
        return None
    with conn:
        try:
            header = _STATUS.pack(len(request))
            conn.sendmsg(
                [header], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [0, 1, 2]))]
            )
            conn.sendall(request)
        except OSError:
            return None
        try:
            (status,) = _STATUS.unpack(_recv_exact(conn, _STATUS.size))
        except (ConnectionError, OSError):
            sys.stderr.write("riskmap: the warm region process ended without a status\n")
            return 1
    return status


def _child(conn: socket.socket, fds: list[int], request: dict) -> None:
    """In the forked child: take over the client's streams, cwd and environment; run."""
    status = 1
    # The server ignores SIGCHLD to reap its children; the region's own children (the solver)
    # must be waited for with their real exit status, as in a fresh process.
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    try:
        for target, fd in enumerate(fds[:3]):
            os.dup2(fd, target)
        for fd in fds:
            os.close(fd)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        sys.argv = ["riskmap.steps.run_region", *request["argv"]]
        from riskmap.steps import run_region

        status = int(run_region.run_local(list(request["argv"])) or 0)
    except BaseException as exc:  # report, never let the child return into the server loop
        sys.stderr.write(f"riskmap: region process failed: {type(exc).__name__}: {exc}\n")
        status = 1
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
            conn.sendall(_STATUS.pack(status))
        except OSError:
            pass
        os._exit(status)


def preload() -> list[str]:
    """Import :data:`PRELOAD` and what of :data:`PRELOAD_OPTIONAL` loads; return the names."""
    loaded = []
    for name in PRELOAD:
        importlib.import_module(name)
        loaded.append(name)
    for name in PRELOAD_OPTIONAL:
        try:
            importlib.import_module(name)
        except (ImportError, OSError):  # OSError: a C library (Pango) cannot be loaded
            continue
        loaded.append(name)
    return loaded


def serve(path: str) -> int:
    """Import the libraries (:func:`preload`), listen on ``path`` and fork a child per request."""
    preload()
    parent = os.getppid()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped automatically
    sock_path = Path(path)
    sock_path.unlink(missing_ok=True)
    tmp = sock_path.with_name(sock_path.name + ".tmp")
    tmp.unlink(missing_ok=True)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(tmp))
    server.listen(64)
    tmp.rename(sock_path)  # visible only once listening
    server.settimeout(1.0)
    try:
        while os.getppid() == parent and sock_path.exists():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            conn.settimeout(None)
            try:
                msg, anc, _, _ = conn.recvmsg(_STATUS.size, socket.CMSG_SPACE(3 * 4))
                fds: list[int] = []
                for level, kind, data in anc:
                    if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                        fds.extend(array.array("i", data[: len(data) - len(data) % 4]))
                (size,) = _STATUS.unpack(msg + _recv_exact(conn, _STATUS.size - len(msg)))
                if len(fds) != 3 or not 0 < size <= _MAX_REQUEST:
                    raise ValueError("bad request")
                request = json.loads(_recv_exact(conn, size))
            except (OSError, ValueError, ConnectionError):
                conn.close()
                continue
            if os.fork() == 0:
                server.close()
                _child(conn, fds, request)
            for fd in fds:
                os.close(fd)
            conn.close()
    finally:
        server.close()
        sock_path.unlink(missing_ok=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) == 2 and args[0] == "serve":
        return serve(args[1])
    if len(args) == 2 and args[0] == "stop":
        Path(args[1]).unlink(missing_ok=True)  # the server ends within a second
        return 0
    sys.stderr.write("usage: python -m riskmap.warm serve|stop SOCKET\n")
    return 2


if __name__ == "__main__":
    sys.exit(main())
