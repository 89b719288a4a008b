"""The watches behind the browser tests' "nothing left the machine" checks, shown to catch what they claim to."""

from __future__ import annotations

import ipaddress
import json
import os
import socket
import subprocess
import sys
import time

import pytest

from tests.conftest import PROJECT_DIR
from tests.e2e.network import SocketWatch, _address, is_local_host, is_local_url

#: RFC 5737 documentation address: routable in form, never a real host. A UDP connect to it sends nothing.
NOWHERE = "203.0.113.7"

GUARDED = """
import socket, sys
from tests.e2e.serve import install_guard
install_guard(sys.argv[1])
listener = socket.create_server(("127.0.0.1", 0))
socket.create_connection(listener.getsockname(), timeout=2).close()  # loopback: allowed
socket.getaddrinfo("localhost", 80)  # allowed
for attempt in (
    lambda: socket.socket().connect(("203.0.113.7", 443)),
    lambda: socket.getaddrinfo("evil.example", 443),
    lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("203.0.113.7", 53)),
):
    try:
        attempt()
    except PermissionError:
        pass
    else:
        sys.exit("not refused")
"""


def test_guard_records_and_refuses_outbound_calls(tmp_path):
    """The server's audit hook refuses and logs a connect, a lookup and a datagram off the machine, not loopback."""
    log = tmp_path / "outbound.jsonl"
    result = subprocess.run(
        [sys.executable, "-c", GUARDED, str(log)], cwd=PROJECT_DIR, capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stderr
    entries = [json.loads(line) for line in log.read_text().splitlines()]
    assert [(e["event"], e["target"]) for e in entries] == [
        ("socket.connect", f"'{NOWHERE}'"),
        ("socket.getaddrinfo", "'evil.example'"),
        ("socket.sendto", f"'{NOWHERE}'"),
    ]
    assert all(e["stack"] for e in entries)


def test_socket_watch_sees_a_remote_peer_and_ignores_loopback():
    """A socket with a non-loopback peer shows in the samples; a loopback connection does not."""
    listener = socket.create_server(("127.0.0.1", 0))
    local = socket.create_connection(listener.getsockname())
    remote = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        remote.connect((NOWHERE, 9))  # UDP: sets the peer without sending a packet
    except OSError as error:  # no route at all: nothing could leave, and there is nothing to see
        remote.close()
        pytest.skip(f"this machine has no route to sample a remote peer: {error}")
    watch = SocketWatch(os.getpid(), interval=0.05).start()
    try:
        time.sleep(0.3)
    finally:
        watch.stop()
        for sock in (remote, local, listener):
            sock.close()
    assert watch.samples >= 2
    assert {(s.protocol, s.remote) for s in watch.seen} == {("udp", f"{NOWHERE}:9")}
    assert all("pytest" in holder for holder in watch.holders.values())


def test_proc_addresses_and_locality():
    """Kernel socket-table addresses decode (IPv4 and IPv6), and only this machine's hosts count as local."""
    assert _address("0100007F:1F90") == (ipaddress.ip_address("127.0.0.1"), 8080)
    assert _address("00000000000000000000000001000000:0050") == (ipaddress.ip_address("::1"), 80)
    assert _address("0000000000000000FFFF00000100007F:01BB") == (ipaddress.ip_address("::ffff:127.0.0.1"), 443)
    assert all(map(is_local_host, ["127.0.0.1", "::1", "localhost", "::ffff:127.0.0.1", "0.0.0.0", None]))
    assert not any(map(is_local_host, [NOWHERE, "evil.example", "fonts.gstatic.com", "10.0.0.1"]))
    assert is_local_url("http://127.0.0.1:8501/_stcore/health") and is_local_url("data:image/svg+xml,<svg/>")
    assert not is_local_url("https://fonts.gstatic.com/s/i/x.svg")
