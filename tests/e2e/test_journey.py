"""The app in a real browser: a clinician's whole journey, hostile input, and two sessions side by side.

Every test also proves that nothing left the machine. In the browser, each request is checked before it is sent:
anything not served by 127.0.0.1/localhost is recorded and refused (`Tab` in conftest.py), and Chromium cannot
resolve any other name anyway. On the server, two independent watches run for the whole module: a Python audit
hook in the server process records (and refuses) every socket connect, send or name lookup aimed off the machine —
this catches even attempts an offline machine rejects at once (`serve.py`) — and a thread samples the server's
sockets in /proc/<pid>/net/{tcp,tcp6,udp,udp6} every 100 ms for any peer that is not loopback, which catches native
code the hook cannot see (`network.py`). The server runs with the app's default settings: the telemetry opt-outs
and proxies of the test environment are removed from its environment.
"""

from __future__ import annotations

import io
import json
import re
from urllib.parse import parse_qs, urlsplit

import docx
import pypdf
import pytest
from fhir.resources.R4B.bundle import Bundle
from playwright.sync_api import Page, expect

from clinical.plan import TreatmentPlan
from exports import FORMATS, filename
from services.plans import PlanService
from tests.builders import ANSWERS
from tests.e2e.conftest import AppServer, Tab

pytestmark = pytest.mark.browser

CHAT_MESSAGE = '[data-testid="stChatMessage"]'
ALIAS_BOX = "New or existing client alias"
ANSWER_BOX = "Type your answer, or 'help' for commands"
EDITED_OBJECTIVE = "Practise one grounding skill daily for four weeks as edited in the browser"
# Each step's own wait; generous, so a slow CI machine is not a failure.
expect.set_options(timeout=15_000)

HOSTILE = [
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=1">',
    "![img](http://evil.example/x.png)",
    "**bold**",
    "[link](javascript:alert(1))",
]


def flat(text: str) -> str:
    """Text with every run of whitespace as one space, so lines wrapped in a document compare equal."""
    return " ".join(text.split())


def settled(page: Page, timeout: float = 30_000) -> None:
    """Wait until the app's script has finished its run (callers first wait for the change they caused)."""
    expect(page.get_by_test_id("stApp")).to_have_attribute("data-test-script-state", "notRunning", timeout=timeout)


def type_in_chat(page: Page, placeholder: str, text: str) -> None:
    """Type a message into the chat box with this placeholder and send it with Enter."""
    box = page.get_by_placeholder(placeholder)
    box.fill(text)
    box.press("Enter")


def chat_texts(page: Page) -> list[str]:
    """The visible text of every chat message, in order."""
    return page.locator(CHAT_MESSAGE).all_inner_texts()


def say(page: Page, text: str) -> str:
    """Send an intake answer or command and return the assistant's reply once the app has settled."""
    messages = page.locator(CHAT_MESSAGE)
    before = messages.count()
    type_in_chat(page, ANSWER_BOX, text)
    expect(messages).to_have_count(before + 2)
    settled(page)
    return messages.last.inner_text()


def open_app(page: Page, server: AppServer) -> None:
    """Open the app on its default page, the Intake's client picker (the first visit opens the index: allow time)."""
    page.goto(server.url)
    expect(page.get_by_text("Which client is this intake for?")).to_be_visible(timeout=60_000)
    settled(page)


def start_intake(page: Page, alias: str) -> str:
    """Start an intake for a new alias from the client picker; the client's id (from the page URL)."""
    type_in_chat(page, ALIAS_BOX, alias)
    expect(page.get_by_placeholder(ANSWER_BOX)).to_be_visible()
    expect(page.locator(CHAT_MESSAGE).last).to_contain_text(f"Starting the intake for {alias}")
    settled(page)
    return client_id(page)


def client_id(page: Page) -> str:
    return parse_qs(urlsplit(page.url).query)["client"][0]


def assert_nothing_left_the_machine(server: AppServer, *tabs: Tab) -> None:
    """No tab asked for a non-local URL and the server attempted no connection off the machine."""
    asked = sorted({url for tab in tabs for url in tab.foreign()})
    assert not asked, "the browser asked for URLs off this machine:\n" + "\n".join(asked)
    attempts = server.outbound()
    assert server.sockets.samples > 1, "the server's sockets were never sampled"
    assert not attempts, "the server attempted connections off this machine:\n" + "\n".join(attempts)


def document_text(data: bytes) -> str:
    """Every paragraph and table cell of a DOCX, flattened."""
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return flat(" ".join(parts))


def pdf_text(data: bytes) -> str:
    return flat(" ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages))


#: What the clinician writes in place of the formulation's blanks before signing.
COMPLETIONS = {
    "Precipitants": "passed over for promotion in September.",
    "Core conflict": "a wish to be recognised against a fear of being exposed as a fraud.",
}
#: Text a document handed over must not contain: the plan check, and Markdown escapes a reader would see.
NOT_FOR_READERS = ("Plan check", "warning:", "to fix before signing", "(goals[", "\\[", "\\~", "\\_", "\\-")


def open_section(page: Page, name: str) -> None:
    """Open one of the Plan page's sections (its tabs) and wait for the page to settle."""
    page.get_by_role("tab", name=name).click()
    expect(page.get_by_role("tab", name=name)).to_have_attribute("aria-selected", "true")
    settled(page)


def test_intake_to_signed_plan_and_downloads(app_server, tabs, shots):
    """The whole journey in a browser: intake, draft, edit, sign, download.

    Intake chat → saving the untouched corrections form changes nothing → draft → edit an objective → signing
    refused with the list of what to complete → complete it → sign → every download opens, says the edit and the
    header facts, shows no plan-check text or escapes, and is audited.

    Also: nothing leaves the machine, from the browser or the server (see the module docstring for how).
    """
    tab = tabs()
    page = tab.page
    open_app(page, app_server)
    shots(page, "client-picker")
    client = start_intake(page, "J.W.")
    shots(page, "intake-started")
    for number, answer in enumerate(ANSWERS, start=1):
        reply = say(page, answer)
        assert answer in chat_texts(page)[-2]
        assert (f"({number + 1}/15 ·" if number < len(ANSWERS) else "The intake is complete") in reply
        assert "Recorded" in reply and "Noted." not in reply
        if number in (1, 7, 15):
            shots(page, f"intake-answer-{number:02d}")

    # The side panel's corrections form shows what the chat recorded; saving it untouched changes nothing.
    store = app_server.store
    before = store.intake(client)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text("Structured record — review and correct").click()
    settled(page)
    expect(sidebar.get_by_label("Pronouns")).to_have_value("she/her")
    expect(sidebar.get_by_role("spinbutton", name="Age")).to_have_value("38")
    shots(page, "corrections-form")
    sidebar.get_by_role("button", name="Save corrections").click()
    expect(sidebar.get_by_text("Nothing changed, so nothing was saved.")).to_be_visible()
    settled(page)
    after = store.intake(client)
    assert after[1] == before[1] and '"overrides":{}' in after[0].replace(" ", "")

    # `draft` hands over to the Plan page, which drafts straight away.
    type_in_chat(page, ANSWER_BOX, "draft")
    expect(page.get_by_text("Drafted version 1")).to_be_visible(timeout=30_000)
    expect(page.get_by_role("tab", name="Goals & objectives")).to_be_visible()
    settled(page)
    assert urlsplit(page.url).path.endswith("/plan") and client_id(page) == client
    shots(page, "plan-drafted")

    plans = PlanService(store)
    drafted = plans.load(client)
    objective = drafted.goals[0].objectives[0]
    open_section(page, "Goals & objectives")
    box = page.get_by_label("Objective", exact=True).first
    expect(box).to_have_value(objective.description)
    box.fill(EDITED_OBJECTIVE)
    shots(page, "objective-edited")
    page.get_by_role("button", name="Save goal 1", exact=True).click()
    expect(page.get_by_text("Saved as version 2")).to_be_visible()
    settled(page)
    shots(page, "goal-saved")
    assert plans.load(client).goals[0].objectives[0].description == EDITED_OBJECTIVE

    # Signing is refused while the draft's blanks remain, and the page lists them.
    blanks = [f for f in plans.load(client).flags if f.blocks_signing]
    assert blanks
    open_section(page, "Finalize & download")
    expect(page.get_by_text(f"Before this plan can be signed, {len(blanks)} items must be completed")).to_be_visible()
    sign(page)
    expect(page.get_by_text("Not signed:")).to_be_visible()
    settled(page)
    shots(page, "signing-refused")
    assert plans.load(client).status == "draft"

    # The first item is a link to its field: the formulation, in the Overview.
    page.get_by_role("main").get_by_role("button", name=re.compile("^Formulation: complete")).first.click()
    expect(page.get_by_role("tab", name="Overview")).to_have_attribute("aria-selected", "true")
    settled(page)
    box = page.get_by_role("textbox", name="Formulation")
    lines = box.input_value().splitlines()
    for n, line in enumerate(lines):  # every heading still blank, in the orientations' templates
        heading = line.partition(":")[0]
        if "[to complete]" in line:
            lines[n] = f"{heading}: {COMPLETIONS.get(heading, 'worked out with the client in the first sessions.')}"
    box.fill("\n".join(lines))
    page.get_by_role("button", name="Save overview").click()
    expect(page.get_by_text("Saved as version 3")).to_be_visible()
    settled(page)
    assert not [f for f in plans.load(client).flags if f.blocks_signing]

    open_section(page, "Preview")
    expect(page.get_by_text("Start date: 2026-12-07")).to_be_visible()
    shots(page, "plan-preview")  # README's docs/screenshots are copies of these two
    open_section(page, "History")
    expect(page.get_by_text("What changed from version 2 to version 3:")).to_be_visible()
    shots(page, "plan-history")

    open_section(page, "Finalize & download")
    sign(page)
    expect(page.get_by_text("Finalized as version 4.")).to_be_visible()
    settled(page)
    expect(page.get_by_text("Final version 4, signed by A. Rivera, LCSW")).to_be_visible()
    shots(page, "plan-signed")

    final = plans.load(client)
    assert (final.version, final.status) == (4, "final")
    files = {}
    offered = [key for key, fmt in FORMATS.items() if fmt.available(final)]
    for key in offered:
        with page.expect_download() as started:
            page.get_by_role("button", name=FORMATS[key].label, exact=True).click()
        download = started.value
        assert download.failure() is None and download.suggested_filename == filename(final, key)
        path = shots.folder / download.suggested_filename
        download.save_as(path)
        files[key] = path.read_bytes()
    shots(page, "downloaded")

    exported = TreatmentPlan.model_validate_json(files["json"])
    assert (exported.status, exported.version, exported.signature.clinician_name) == ("final", 4, "A. Rivera")
    assert exported.goals[0].objectives[0].description == EDITED_OBJECTIVE and exported.flags == []
    markdown = files["md"].decode("utf-8")
    bundle = Bundle.model_validate_json(files["fhir"])
    fhir_notes = " ".join(note.text for note in bundle.entry[0].resource.note)
    readable = {
        "md": flat(markdown),
        "docx": document_text(files["docx"]),
        "pdf": pdf_text(files["pdf"]),
        "fhir notes": flat(fhir_notes),
    }
    for name, text in readable.items():
        assert flat(EDITED_OBJECTIVE) in text or name == "fhir notes", name
        facts = ("weekly, 50 minutes", "A. Rivera, LCSW")
        facts += ("J.W.", "2026-12-07") if name != "fhir notes" else ()  # FHIR carries those as data (below)
        for fact in facts:
            assert fact in text, f"{fact!r} missing from the {name} export"
        for unwanted in NOT_FOR_READERS:
            assert unwanted not in text, f"{unwanted!r} in the {name} export"
    assert bundle.type == "collection" and EDITED_OBJECTIVE in json.dumps(json.loads(files["fhir"]))
    care_plan = bundle.entry[0].resource
    assert care_plan.subject.display == "J.W." and care_plan.period.start.isoformat() == "2026-12-07"

    exports = [e for e in store.audit_events(client) if e.action == "plan.export"]
    assert sorted(e.detail["format"] for e in exports) == sorted(offered)
    assert {e.detail["version"] for e in exports} == {4}
    assert store.verify_audit().ok, store.verify_audit().message

    assert_nothing_left_the_machine(app_server, tab)


def sign(page: Page) -> None:
    """Fill the signature form and press Finalize."""
    page.get_by_label("Clinician name").fill("A. Rivera")
    page.get_by_label("Credentials").fill("LCSW")
    checkbox = page.get_by_role("checkbox", name=re.compile("The client took part"))
    if not checkbox.is_checked():
        page.get_by_text("The client took part in developing this plan and agrees with its goals.").click()
    expect(checkbox).to_be_checked()
    page.get_by_role("button", name="Finalize plan").click()


def test_hostile_answers_show_literally_and_never_run(app_server, tabs, shots):
    """Script, HTML, a remote image, bold and a javascript: link typed as answers show as typed and do nothing."""
    tab = tabs()
    page = tab.page
    open_app(page, app_server)
    start_intake(page, "H.X.")
    for payload in HOSTILE:
        say(page, payload)
    say(page, "Together: " + " ".join(HOSTILE))
    shots(page, "hostile-answers")
    assert "Client: H.X." in say(page, "summary")  # the structured summary, drawn from the same answers
    shots(page, "hostile-summary")

    shown = "\n".join(chat_texts(page))
    for payload in HOSTILE:
        assert payload in shown, f"{payload!r} is not shown as typed"
    assert_inert(page)

    # The Plan page shows the same words (the presenting problem quotes the intake).
    type_in_chat(page, ANSWER_BOX, "draft")
    expect(page.get_by_text("Drafted version 1")).to_be_visible(timeout=30_000)
    settled(page)
    expect(page.get_by_label("Presenting problem")).to_have_value(re.compile(re.escape(HOSTILE[2])))
    shots(page, "hostile-plan")
    assert_inert(page)

    assert not [url for url in tab.requests if "evil.example" in url]
    assert_nothing_left_the_machine(app_server, tab)


def assert_inert(page: Page) -> None:
    """No script ran, and no image, javascript: link, disguised link or bold was made from the answers."""
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator('img[src="x"], img[src*="evil.example"]').count() == 0
    links = page.locator("a").evaluate_all("els => els.map(e => [e.getAttribute('href') || '', e.textContent])")
    assert not [href for href, _ in links if href.strip().lower().startswith("javascript:")]
    # Markdown's autolinking makes a typed URL a link to itself (shown as typed, fetched only if clicked); a link
    # whose words hide its target must never be made from an answer.
    assert not [(href, words) for href, words in links if "evil.example" in href and words.strip() != href]
    assert page.locator(f"{CHAT_MESSAGE} strong").filter(has_text="bold").count() == 0
    scripts = page.locator("script").evaluate_all("els => els.map(e => e.textContent)")
    assert not [s for s in scripts if "__pwned" in s]


FIRST = ("Ash-7", ["52-year-old, he/him, retired pilot, widowed", "Insomnia and grief since his wife died in May"])
SECOND = ("Birch-3", ["19-year-old, they/them, student, lives in halls", "Panic attacks before exams since October"])


def test_two_sessions_never_see_each_other(app_server, tabs, shots):
    """Two browser sessions working at the same time on two clients never show each other's alias or answers."""
    first, second = tabs(), tabs()
    for tab in (first, second):
        open_app(tab.page, app_server)
    for tab, (alias, _) in ((first, FIRST), (second, SECOND)):
        type_in_chat(tab.page, ALIAS_BOX, alias)
    for tab, (alias, _) in ((first, FIRST), (second, SECOND)):
        expect(tab.page.locator(CHAT_MESSAGE).last).to_contain_text(f"Starting the intake for {alias}")
        settled(tab.page)

    for round_ in range(len(FIRST[1])):
        # Both answers are sent before either reply is awaited, so the two script runs overlap on the server.
        counts = [tab.page.locator(CHAT_MESSAGE).count() for tab in (first, second)]
        for tab, (_, answers) in ((first, FIRST), (second, SECOND)):
            type_in_chat(tab.page, ANSWER_BOX, answers[round_])
        for tab, count in zip((first, second), counts, strict=True):
            expect(tab.page.locator(CHAT_MESSAGE)).to_have_count(count + 2)
            settled(tab.page)
        assert_apart(first, FIRST, SECOND)
        assert_apart(second, SECOND, FIRST)
    shots(first.page, "first-session")
    shots(second.page, "second-session")

    # A refresh resumes this tab's own client, not whichever was opened last on the server.
    first.page.reload()
    expect(first.page.locator(CHAT_MESSAGE).last).to_contain_text("(3/15 ·")
    settled(first.page)
    assert_apart(first, FIRST, SECOND)
    shots(first.page, "first-session-reloaded")

    store = app_server.store
    for tab, (alias, answers) in ((first, FIRST), (second, SECOND)):
        client = store.client(client_id(tab.page))
        assert client is not None and client.alias == alias
        saved = store.intake(client.id)[0]
        assert all(answer in saved for answer in answers)
        assert not any(answer in saved for answer in (SECOND if tab is first else FIRST)[1])
    assert_nothing_left_the_machine(app_server, first, second)


def assert_apart(tab: Tab, own: tuple[str, list[str]], other: tuple[str, list[str]]) -> None:
    """The tab shows its own alias and answers so far, and nothing of the other client's."""
    text = tab.page.locator("body").inner_text()
    assert own[0] in text
    assert other[0] not in text, f"{other[0]} shows in {own[0]}'s session"
    for answer in other[1]:
        assert answer not in text, f"{other[0]}'s answer shows in {own[0]}'s session"


#: Within the 40 characters an alias may have: an image that would load from elsewhere, and bold.
HOSTILE_ALIAS = "![i](http://evil.example/a) **x**"


def test_hostile_alias_shows_literally(app_server, tabs, shots):
    """An alias written as Markdown shows as typed everywhere and loads nothing.

    An alias written as Markdown shows as typed in titles, the side panel and the client list, and loads nothing.

    Last in the module: every later session's client list would show this alias.
    """
    tab = tabs()
    page = tab.page
    open_app(page, app_server)
    client = start_intake(page, HOSTILE_ALIAS)
    shots(page, "intake")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Intake · {HOSTILE_ALIAS}")
    expect(page.get_by_test_id("stSidebar")).to_contain_text(f"Intake progress · {HOSTILE_ALIAS}")
    assert_inert(page)

    page.goto(f"{app_server.url}/plan?client={client}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(HOSTILE_ALIAS)
    settled(page)
    shots(page, "plan")
    assert_inert(page)

    # A new session lists the clients in progress by alias.
    picker = tabs()
    open_app(picker.page, app_server)
    expect(picker.page.get_by_text("Clients in progress")).to_be_visible()
    shots(picker.page, "client-list")
    expect(picker.page.get_by_role("button", name=HOSTILE_ALIAS)).to_be_visible()
    assert_inert(picker.page)
    assert_nothing_left_the_machine(app_server, tab, picker)
