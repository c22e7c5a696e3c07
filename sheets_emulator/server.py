"""Run the emulator on a loopback port, in the foreground (CLI) or in a background thread (tests)."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from werkzeug.serving import BaseWSGIServer, make_server

from sheets_emulator.app import create_emulator
from sheets_emulator.state import EmulatorState


class PortTakenError(OSError):
    """The emulator's port is in use (nothing was written)."""


def serve(port: int, host: str = "127.0.0.1", data_dir: str | None = None,
          when_listening: Callable[[str], None] | None = None) -> None:
    """Serve until interrupted; ``when_listening`` runs once the port is bound (a key file is written only then)."""
    app = create_emulator(EmulatorState(data_dir=data_dir))
    try:
        server = make_server(host, port, app, threaded=True)
    except (OSError, SystemExit):  # werkzeug exits on a port in use, after printing its own hint
        raise PortTakenError(f"port {port} on {host} is in use: stop what listens there, or pass --port") from None
    url = f"http://{host}:{server.server_port}"
    if when_listening is not None:
        when_listening(url)
    print(f"Sheets API emulator on {url} (data: {data_dir or 'in memory'})", flush=True)
    server.serve_forever()


@contextmanager
def running_emulator(state: EmulatorState | None = None, port: int = 0) -> Iterator[tuple[str, EmulatorState]]:
    """Start the emulator in a thread on a free loopback port; yields (base URL, state)."""
    state = state or EmulatorState(seed=int(os.environ.get("SHEETS_BRIDGE_EMULATOR_SEED", "11")))
    server: BaseWSGIServer = make_server("127.0.0.1", port, create_emulator(state), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", state
    finally:
        server.shutdown()
        thread.join(timeout=5)
