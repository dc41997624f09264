"""`prhub serve` as a user starts it: a taken port or a bad address is one clear line."""

from __future__ import annotations

import socket
from pathlib import Path

from conftest import run_prhub


def test_taken_port_is_one_line_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = run_prhub("serve", "--db", str(tmp_path / "p.db"), "--port", str(port))
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"prhub: error: cannot listen on 127.0.0.1:{port}: Address already in use"


def test_bad_address_is_one_line_error(tmp_path: Path) -> None:
    proc = run_prhub("serve", "--db", str(tmp_path / "p.db"), "--host", "999.1.1.1")
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("prhub: error: cannot listen on 999.1.1.1:8000: ")
