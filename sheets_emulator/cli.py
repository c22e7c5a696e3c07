"""``sheets-emulator``: run the Sheets API emulator on a loopback port until interrupted."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sheets_emulator import server
from sheets_emulator.keyfile import write_key
from sheets_emulator.schema import DiscoveryMissingError


def run(port: int, host: str, data_dir: str | None, key_path: Path | None, prog: str = "sheets-emulator") -> int:
    """Serve; write a service-account key file for this emulator once the port is bound. Exit status."""

    def key_file(url: str) -> None:  # only once the port is ours: never a key for an emulator that is not
        assert key_path is not None
        write_key(key_path, url)
        print(f"Wrote {key_path}: export GOOGLE_APPLICATION_CREDENTIALS={key_path} "
              f"SHEETS_BRIDGE_API_ROOT={url}", flush=True)

    try:
        server.serve(port, host, data_dir, when_listening=key_file if key_path else None)
    except (server.PortTakenError, DiscoveryMissingError) as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return 2
    return 0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The emulator's options (shared with ``sheets-bridge emulator``)."""
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--data", default=None, help="directory to persist spreadsheets as JSON")
    parser.add_argument("--write-key", type=Path, default=None, metavar="KEY.json",
                        help="write a service-account key file for this emulator, then serve")


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``sheets-emulator``."""
    parser = argparse.ArgumentParser(prog="sheets-emulator", description="a local Google Sheets API v4 emulator")
    add_arguments(parser)
    args = parser.parse_args(argv)
    try:
        return run(args.port, args.host, args.data, args.write_key)
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
