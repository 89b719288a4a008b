"""Watching for traffic that leaves the machine: what counts as local, and a sampler of a process's sockets.

Used by the browser tests to prove the app makes no outbound connection with its default settings.
Stdlib only, so the app's launcher (`serve.py`) can import it before anything else.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

LOCAL_NAMES = frozenset(
    {"", "localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback", socket.gethostname().lower()}
)


def is_local_host(host: str | bytes | None) -> bool:
    """Whether a host name or address stays on this machine (loopback, unspecified, or this machine's own name)."""
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    host = host.strip("[]").lower()
    if host in LOCAL_NAMES:
        return True
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False  # any other name would need a DNS lookup, which is itself outbound
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_loopback or address.is_unspecified


def is_local_url(url: str) -> bool:
    """Whether a URL the browser asks for is served by this machine (data:, blob: and about: never leave it)."""
    parts = urlsplit(url)
    if parts.scheme in {"data", "blob", "about", "chrome-error"}:
        return True
    return is_local_host(parts.hostname)


@dataclass(frozen=True)
class RemoteSocket:
    """A socket of the watched process with a non-loopback peer, as `/proc/<pid>/net/*` showed it."""

    pid: int
    protocol: str
    remote: str
    state: str


# The kernel's TCP states (include/net/tcp_states.h); UDP sockets report 07 (closed) unless connected.
TCP_STATES = {
    "01": "ESTABLISHED",
    "02": "SYN_SENT",
    "03": "SYN_RECV",
    "04": "FIN_WAIT1",
    "05": "FIN_WAIT2",
    "06": "TIME_WAIT",
    "07": "CLOSE",
    "08": "CLOSE_WAIT",
    "09": "LAST_ACK",
    "0A": "LISTEN",
    "0B": "CLOSING",
    "0C": "NEW_SYN_RECV",
}


def _address(hex_address: str) -> tuple[ipaddress.IPv4Address | ipaddress.IPv6Address, int]:
    """Decode `0100007F:1F90` (IPv4) or its 32-digit IPv6 form: each 32-bit word is in host (little-endian) order."""
    host, port = hex_address.split(":")
    raw = bytes.fromhex(host)
    ordered = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))
    return ipaddress.ip_address(ordered), int(port, 16)


def _socket_inodes(pid: int) -> set[str]:
    inodes = set()
    try:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                target = fd.readlink().name
            except OSError:
                continue  # closed between listing and reading
            if target.startswith("socket:["):
                inodes.add(target[len("socket:[") : -1])
    except OSError:
        pass  # the process is gone
    return inodes


def _process_tree(root: int) -> list[int]:
    """`root` and every process descended from it (from each process's parent id)."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    tree, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, parent in parents.items() if parent in frontier]
        tree += frontier
    return tree


def describe_process(pid: int) -> str:
    """A process's command line and thread names, to say which code made a connection (best effort)."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        threads = sorted({comm.read_text().strip() for comm in Path(f"/proc/{pid}/task").glob("*/comm")})
    except OSError:
        return "(process gone)"
    return f"{command[:160]} (threads: {', '.join(threads)})"


def remote_sockets(root: int) -> set[RemoteSocket]:
    """Sockets of `root` (and its children) whose peer is not on this machine, in any state, TCP or UDP."""
    found = set()
    for pid in _process_tree(root):
        inodes = _socket_inodes(pid)
        if not inodes:
            continue
        for protocol in ("tcp", "tcp6", "udp", "udp6"):
            try:
                rows = Path(f"/proc/{pid}/net/{protocol}").read_text().splitlines()[1:]
            except OSError:
                continue
            for row in rows:
                fields = row.split()
                if len(fields) < 10 or fields[9] not in inodes:
                    continue
                remote, port = _address(fields[2])
                if port == 0 or is_local_host(str(remote)):
                    continue  # listening, unconnected, or talking to this machine
                state = TCP_STATES.get(fields[3], fields[3]) if protocol.startswith("tcp") else "connected"
                found.add(RemoteSocket(pid, protocol, f"{remote}:{port}", state))
    return found


class SocketWatch:
    """Samples a process's sockets on a background thread (every `interval` seconds) and keeps every remote one.

    A sample sees connections that stay open at least one interval (anything that transfers data does); an
    attempt refused at once by an offline machine is caught by the Python-level guard in `serve.py` instead.
    """

    def __init__(self, pid: int, interval: float = 0.1):
        self.pid = pid
        self.interval = interval
        self.seen: set[RemoteSocket] = set()
        #: Which process (command line, thread names) held each remote socket when it was first seen.
        self.holders: dict[RemoteSocket, str] = {}
        self.samples = 0
        self._lock = threading.Lock()  # the test thread samples too, before it reads `seen`
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"socket-watch-{pid}", daemon=True)

    def start(self) -> SocketWatch:
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def sample(self) -> None:
        found = remote_sockets(self.pid)
        for remote in found - self.seen:
            self.holders.setdefault(remote, describe_process(remote.pid))
        with self._lock:
            self.seen = self.seen | found  # a new set, so a reader never iterates one being changed
            self.samples += 1

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


def wait_for(condition, timeout: float, interval: float = 0.1) -> bool:
    """Poll `condition` until it is true or `timeout` seconds have passed; whether it became true."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return bool(condition())
