"""Starts the app as `streamlit run` does, under a guard that records and refuses any connection off this machine.

A Python audit hook sees every socket connect, sendto/sendmsg and name lookup made from Python in the server
process (the app, Streamlit, Chroma, LangChain, HTTP clients), including attempts that an offline machine refuses
at once and that therefore never show in the kernel's socket tables. Each one aimed off this machine is written
to the file named by `E2E_OUTBOUND_LOG` (one JSON object per line, with the stack that made it) and refused.

Usage (from the project folder): python -m tests.e2e.serve run app.py [streamlit options]
"""

from __future__ import annotations

import json
import os
import socket
import sys
import threading
import traceback

from tests.e2e.network import is_local_host

#: Audit events that send to an address: (socket, address).
SENDS = {"socket.connect", "socket.sendto", "socket.sendmsg"}
#: Audit events that look a name or address up (DNS, hosts file): the host is the first argument.
LOOKUPS = {"socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex", "socket.gethostbyaddr"}
INET = (socket.AF_INET, socket.AF_INET6)


def _target(event: str, args: tuple) -> str | None:
    """The non-local host an audited socket call is aimed at, or None when it stays on this machine."""
    if event in SENDS:
        sock, address = args[0], args[1]
        if getattr(sock, "family", None) not in INET or not isinstance(address, tuple):
            return None  # Unix sockets, netlink, or a send on an already connected socket
        host = address[0]
    elif event in LOOKUPS:
        host = args[0]
    elif event == "socket.getnameinfo":
        host = args[0][0] if isinstance(args[0], tuple) else None
    else:
        return None
    return None if is_local_host(host) else repr(host)


def install_guard(log_path: str) -> None:
    """Record and refuse, from now on, every socket call in this process that would leave the machine."""
    log = open(log_path, "a", encoding="utf-8", buffering=1)  # noqa: SIM115 - open for the process's lifetime
    lock = threading.Lock()

    def guard(event: str, args: tuple) -> None:
        if not event.startswith("socket."):
            return
        target = _target(event, args)
        if target is None:
            return
        entry = {"event": event, "target": target, "stack": traceback.format_stack(limit=14)[:-1]}
        with lock:
            log.write(json.dumps(entry) + "\n")
        raise PermissionError(f"e2e network guard: {event} to {target} refused; nothing may leave the machine")

    sys.addaudithook(guard)


if __name__ == "__main__":
    install_guard(os.environ["E2E_OUTBOUND_LOG"])
    from streamlit.web.cli import main

    sys.argv[0] = "streamlit"
    sys.exit(main())
