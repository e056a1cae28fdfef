"""Serving the practice app: waitress (a threaded, pure-Python WSGI server) on a host and port."""

from __future__ import annotations

import ipaddress
import signal
import sys
from pathlib import Path
from typing import TextIO

from examgen.errors import UsageError

THREADS = 8


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_listen(host: str, port: int) -> None:
    """Resolve ``host`` and bind a socket to it (closed at once), as the server will, so that
    a bad address, a port in use or a missing permission is one ``--host`` error before
    anything slow starts."""
    import socket

    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except (OSError, ValueError, UnicodeError) as e:
        why = getattr(e, "strerror", None) or e
        raise UsageError(f"--host: cannot listen on {host}:{port}: {why}") from None


def serve(host: str, port: int, db: Path, *, bank: Path | None = None, threads: int = THREADS,
          out: TextIO = sys.stderr, roster: Path | None = None) -> None:
    """Run the app until interrupted. A host other than loopback gets a warning: there are no
    passwords, so anyone who can reach the port can use (and read the progress of) any name."""
    import logging

    from waitress.server import create_server

    from examgen.bank import load_bank
    from examgen.practice.app import create_app
    from examgen.practice.security import load_practice_roster

    if not 0 < port < 65536:
        raise UsageError(f"--port must be between 1 and 65535, got {port}")
    check_listen(host, port)   # a bad --host fails now, not after the slow warm-up
    pins = load_practice_roster(roster) if roster is not None else None
    app = create_app(db, load_bank(bank), prefetch=True, roster=pins)
    app.extensions["examgen.practice"].warm_up()
    if not is_loopback(host) and pins is None:
        print(f"warning: listening on {host}, not only this machine: anyone who can reach port "
              f"{port} can practise under any nickname and see its progress (there are no "
              "passwords; give --roster with PINs to require them). Use it on a classroom "
              "network only.", file=out)
    try:
        server = create_server(app, host=host, port=port, threads=threads, ident="examgen-practice")
    except (OSError, ValueError, UnicodeError) as e:   # bad address, port in use, no permission
        why = getattr(e, "strerror", None) or e
        raise UsageError(f"--host: cannot listen on {host}:{port}: {why}") from None
    logging.basicConfig(level=logging.WARNING)  # unexpected errors in a request are logged
    shown = f"[{host}]" if ":" in host else host
    print(f"examgen practice: http://{shown}:{port}/ (database {db}); Ctrl+C stops it",
          file=out, flush=True)
    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt  # unwinds server.run() in the main thread

    signal.signal(signal.SIGTERM, stop)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        pr = app.extensions["examgen.practice"]
        if pr.prefetcher is not None:
            pr.prefetcher.shutdown()
