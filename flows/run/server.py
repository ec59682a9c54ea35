"""A temporary Prefect server for one command-line run that asks for Prefect.

Prefect starts such a server itself when no PREFECT_API_URL is set, but with a
startup timeout read once at import (20 s, too short on a busy machine), no
second try, and a child process that outlives a killed parent. This one is
started before Prefect is imported: a generous timeout, one retry on a new
port, an error that says what to do, and a server that dies with its parent.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

STARTUP_SECONDS = float(os.environ.get("PICKUP_ETL_PREFECT_STARTUP_SECONDS", "120"))
MARKER = "PICKUP_ETL_TEMPORARY_SERVER"  # set while a run talks to its own temporary server
_PR_SET_PDEATHSIG = 1


class ServerError(RuntimeError):
    """The temporary Prefect server did not start."""


def die_with_parent() -> None:
    """In a child process: get SIGKILL when the parent dies (Linux), so a run killed by
    the OOM killer or `kill -9` leaves no server or worker behind."""
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start(port: int) -> subprocess.Popen:
    import importlib.util

    prefect_dir = os.path.dirname(os.path.dirname(importlib.util.find_spec("prefect").origin))
    environment = {
        **os.environ,
        "PREFECT_UI_ENABLED": "0",
        "PREFECT__SERVER_EPHEMERAL": "1",
        "PREFECT__SERVER_FINAL": "1",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    }
    environment.pop("PREFECT_API_URL", None)
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--app-dir",
            prefect_dir,
            "--factory",
            "prefect.server.api.server:create_app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "error",
            "--lifespan",
            "on",
        ],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        preexec_fn=die_with_parent,
    )


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _wait(process: subprocess.Popen, url: str, seconds: float) -> str | None:
    """None once the server answers, else why it did not."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            error = (process.stderr.read() or b"").decode(errors="replace").strip()
            return f"it exited with code {process.returncode}: {error.splitlines()[-1] if error else ''}"
        if _healthy(url):
            return None
        time.sleep(0.2)
    return f"it did not answer within {seconds:.0f} s"


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def temporary_server(seconds: float = STARTUP_SECONDS, tries: int = 2) -> Iterator[str]:
    """A Prefect server on a free local port for the duration of the block; its API URL.
    PREFECT_API_URL points at it meanwhile (set before Prefect is imported)."""
    reasons = []
    for _ in range(tries):
        port = _free_port()
        url = f"http://127.0.0.1:{port}/api"
        process = _start(port)
        problem = _wait(process, url, seconds)
        if problem is None:
            break
        _stop(process)
        reasons.append(problem)
    else:
        raise ServerError(
            f"the temporary Prefect server did not start ({'; then '.join(reasons)}). "
            "On a busy machine raise PICKUP_ETL_PREFECT_STARTUP_SECONDS (now "
            f"{seconds:.0f}), start one with `prefect server start` and set PREFECT_API_URL, "
            "or run without --prefect"
        )
    saved = {name: os.environ.get(name) for name in ("PREFECT_API_URL", MARKER)}
    os.environ["PREFECT_API_URL"] = url
    os.environ[MARKER] = "1"
    try:
        yield url
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        _stop(process)
