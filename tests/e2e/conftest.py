"""Browser-test fixtures: Debian's Chromium, the app as a real server process, and a watch on every way out.

The tests drive /usr/bin/chromium through Playwright (`playwright install` cannot download browsers offline).
Without it they are skipped with a note on how to enable them — except under CI (the `CI` environment variable
set), where a browser test that does not run fails the run; `make test` installs Chromium there first
(`.ci/ensure-chromium`).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, sync_playwright

from knowledge.opening import LOCK_NAME
from storage.records import RecordStore
from tests.conftest import PROJECT_DIR, QUIETING_VARIABLES
from tests.e2e.network import SocketWatch, is_local_url, wait_for

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    # Belt and braces for the request guard below: no proxy, and no name other than localhost resolves.
    "--no-proxy-server",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]
ENABLE_HINT = "install Debian's Chromium to run them: sudo apt-get install -y chromium"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
#: Proxy variables: stripped, so a connection attempt cannot hide behind a proxy on loopback.
PROXIES = {f(name) for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy") for f in (str.lower, str.upper)}
CALL_REPORT = pytest.StashKey[pytest.TestReport]()


def under_ci() -> bool:
    """Whether this is a CI run (`CI` set to anything but empty, 0, false or no), which must run every test."""
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[pytest.TestReport]:
    """Under CI a skipped browser test is a failure: the run must not pass without them having run."""
    report = yield
    if report.when == "call":
        item.stash[CALL_REPORT] = report
    browser_test = "browser" in getattr(item, "fixturenames", ())
    if report.skipped and browser_test and under_ci() and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"CI must run the browser tests, but this one was skipped: {reason}"
    return report


def require_chromium() -> None:
    """Skip without Chromium (saying how to get it); under CI, fail instead."""
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return
    message = f"{CHROMIUM} not found: the browser tests need it; {ENABLE_HINT}"
    if under_ci():
        pytest.fail(f"{message} (CI must run them; see .ci/ensure-chromium)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Chromium, one per test module."""
    require_chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# -- the app server --------------------------------------------------------------------------------------------


@dataclass
class AppServer:
    """The app running as its own process on a free loopback port, with its data folder and its network watch."""

    url: str
    data_dir: Path
    process: subprocess.Popen
    sockets: SocketWatch
    outbound_log: Path
    log: Path
    home: Path

    @property
    def store(self) -> RecordStore:
        """The server's records, read directly (SQLite in WAL mode allows a second reader)."""
        return RecordStore(self.data_dir / "anamnesis.db")

    def outbound(self) -> list[str]:
        """Every connection the server attempted off this machine so far (Python-level guard and socket samples)."""
        self.sockets.sample()
        attempts = []
        if self.outbound_log.exists():
            for line in self.outbound_log.read_text(encoding="utf-8").splitlines():
                entry = json.loads(line)
                attempts.append(f"{entry['event']} to {entry['target']}, from:\n{''.join(entry['stack'])}")
        for sock in sorted(self.sockets.seen, key=str):
            line = f"{sock.protocol} socket {sock.state} to {sock.remote}, held by pid {sock.pid}: "
            line += self.sockets.holders.get(sock, "?")
            attempts.append(line)
        # Native code is out of the Python guard's sight; ONNX Runtime's telemetry, for one, resolves its
        # collector's name from its own threads, too briefly for every socket sample to catch, but it always
        # starts its on-disk event store first. The server's home folder is empty at start: nothing may appear.
        traces = sorted(str(path.relative_to(self.home)) for path in self.home.rglob("*"))
        if traces:
            attempts.append(f"files in the server's home (a telemetry store?): {', '.join(traces)}")
        return attempts

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def healthy(url: str) -> bool:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback, never through a proxy
    try:
        with opener.open(f"{url}/_stcore/health", timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.fixture(scope="module")
def app_server(tmp_path_factory, library_data_dir) -> Iterator[AppServer]:
    """`streamlit run app.py` on a free port, with a fresh data folder holding its own copy of the session's index.

    A copy, not a symlink: the app locks its index folder, and this pytest process may hold that lock already.
    The server runs under `serve.py`'s outbound guard, with the app's default settings: the telemetry opt-outs
    the suite and the Makefile export, the CI markers some libraries go quiet for, and proxies are all removed
    from its environment.
    """
    require_chromium()  # no browser, no point in a server
    data_dir = tmp_path_factory.mktemp("e2e-data")
    shutil.copytree(library_data_dir / "chroma", data_dir / "chroma", ignore=shutil.ignore_patterns(LOCK_NAME))
    outbound_log, log = data_dir / "outbound.jsonl", data_dir / "server.log"
    home = tmp_path_factory.mktemp("e2e-home")  # empty, so anything a library writes there shows
    inherited = {name: value for name, value in os.environ.items() if not name.startswith(("ANAMNESIS_", "STREAMLIT_"))}
    env = {name: value for name, value in inherited.items() if name not in QUIETING_VARIABLES | PROXIES}
    env |= {"ANAMNESIS_DATA_DIR": str(data_dir), "E2E_OUTBOUND_LOG": str(outbound_log), "PYTHONUNBUFFERED": "1"}
    env |= {"HOME": str(home), "XDG_CACHE_HOME": str(home / ".cache"), "XDG_CONFIG_HOME": str(home / ".config")}
    port = free_port()
    command = [sys.executable, "-m", "tests.e2e.serve", "run", "app.py", "--server.port", str(port)]
    # No --browser.gatherUsageStats: whether usage statistics stay off is the app's own config's job, under test.
    command += ["--server.headless", "true", "--server.address", "127.0.0.1"]
    # Other work in the same tree must not rerun the app under the test.
    command += ["--server.fileWatcherType", "none", "--server.runOnSave", "false"]
    with log.open("w", encoding="utf-8") as output:
        process = subprocess.Popen(command, cwd=PROJECT_DIR, env=env, stdout=output, stderr=subprocess.STDOUT)
    server = AppServer(
        f"http://127.0.0.1:{port}", data_dir, process, SocketWatch(process.pid).start(), outbound_log, log, home
    )
    try:
        wait_for(lambda: process.poll() is not None or healthy(server.url), timeout=60)
        if process.poll() is not None or not healthy(server.url):
            pytest.fail(f"the app did not start (exit code {process.poll()}):\n{server.log_tail()}", pytrace=False)
        assert outbound_log.exists(), "the outbound guard was not installed in the server"
        yield server
    finally:
        server.sockets.stop()
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# -- browser sessions ------------------------------------------------------------------------------------------


@dataclass
class Tab:
    """One browser context — a Streamlit session of its own — with its page and every URL it asked for.

    Requests for anything not on this machine are recorded and refused before they leave the browser.
    """

    context: BrowserContext
    page: Page = field(init=False)
    requests: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.context.on("request", lambda request: self.requests.append(request.url))
        self.context.route(lambda url: not is_local_url(url), self._refuse)
        self.page = self.context.new_page()
        self.page.on("websocket", lambda websocket: self.requests.append(websocket.url))

    def _refuse(self, route: Route) -> None:
        self.refused.append(route.request.url)
        route.abort("blockedbyclient")

    def foreign(self) -> list[str]:
        """Every URL this tab asked for (refused or not) that is not served by this machine."""
        return sorted({url for url in [*self.requests, *self.refused] if not is_local_url(url)})


class Screenshots:
    """Numbered screenshots of a test's steps in tests/e2e/artifacts/<test name>/ (git-ignored)."""

    def __init__(self, folder: Path):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        self.folder = folder
        self.taken = 0

    def __call__(self, page: Page, step: str) -> Path:
        self.taken += 1
        path = self.folder / f"{self.taken:02d}-{step}.png"
        page.screenshot(path=path)
        return path


@pytest.fixture
def shots(request) -> Screenshots:
    """This test's screenshot folder, emptied first."""
    return Screenshots(ARTIFACTS / request.node.name)


@pytest.fixture
def tabs(request, browser, shots) -> Iterator[Callable[[], Tab]]:
    """Open a new browser context on demand; all are closed after the test (with a screenshot if it failed)."""
    opened: list[Tab] = []

    def open_tab() -> Tab:
        tab = Tab(browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True))
        tab.page.set_default_timeout(30_000)
        opened.append(tab)
        return tab

    yield open_tab
    report = request.node.stash.get(CALL_REPORT, None)
    for number, tab in enumerate(opened, start=1):
        if report is not None and report.failed:
            # A crashed page cannot be photographed; the failure itself then says enough.
            with contextlib.suppress(Exception):
                shots(tab.page, f"failure-tab{number}")
        tab.context.close()
