"""What the editorial journey's steps share: the people, the content they
write, the subscribers, the `Journey` record and the editor actions every step uses."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import expect

from tests.browser.editorial import Person, Subscriber, footer_action, footer_actions
from tests.support.browser import open_context

GUIDE_PATH = "/guides/your-idnyc/"
NEW_ENGLISH_SUMMARY = (
    "The NYPD accepts IDNYC as government ID, also when it gives you a summons. "
    "Updated by the editorial journey test."
)
NEW_SPANISH_SUMMARY = (
    "El NYPD acepta IDNYC como identificación del gobierno, también cuando le da una "
    "citación. Actualizado por la prueba del recorrido editorial."
)
ALERT = {
    "en": (
        "Checkpoint reported near the Sunset Park station",
        "People report a checkpoint near the 36 St station this morning. You can stay silent.",
    ),
    "es": (
        "Se informa de un control cerca de la estación de Sunset Park",
        "Hay informes de un control cerca de la estación de la calle 36 esta mañana. "
        "Puede guardar silencio.",
    ),
    "zh-hans": (
        "据报日落公园车站附近有检查站",
        "有人报告今天早上36街车站附近有检查站。您可以保持沉默。",
    ),
}
SECOND_APPROVAL_WAITING = "1 of 2 approvals — waiting for a second Moderator"
ROGUE_ALERT_TITLE = "Redada ahora mismo en Sunset Park (sin aprobar)"
LANGUAGE_NAMES = {"es": "Español", "zh-hans": "简体中文"}

SUBSCRIBERS = [
    Subscriber("sunset-en-1@example.org", "en", "sunset-park"),
    Subscriber("sunset-en-2@example.org", "en", "sunset-park"),
    Subscriber("sunset-es@example.org", "es", "sunset-park"),
    Subscriber("sunset-zh@example.org", "zh-hans", "sunset-park"),
    # Not in Sunset Park: must receive nothing.
    Subscriber("manhattan-en@example.org", "en", "manhattan"),
]
SUNSET_PARK = [person for person in SUBSCRIBERS if person.areas == "sunset-park"]

# Soft checks wait less than Playwright's default: the page is already there.
SOFT_TIMEOUT = 5_000
ACTION_TIMEOUT = 45_000
MAIL_TIMEOUT = 60
SEND_TIMEOUT = 90


@dataclass
class Journey:
    """What the steps share: the site, the people, the pages made, and what went wrong."""

    site: object
    browser: object
    people: dict[str, Person] = field(default_factory=dict)
    pages: dict[str, int] = field(default_factory=dict)
    reached: set[str] = field(default_factory=set)
    findings: list[str] = field(default_factory=list)
    _checked: dict[str, tuple[int, int]] = field(default_factory=dict)

    def needs(self, *steps: str) -> None:
        """Skip this step when a step it builds on did not get through."""
        missing = [step for step in steps if step not in self.reached]
        if missing:
            pytest.skip(f"needs the step(s) {', '.join(missing)}, which did not get through")

    def soft(self, what: str, check) -> bool:
        """Run `check()` (an assertion); on failure note `what` and go on with the step."""
        try:
            check()
        except AssertionError as error:
            first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
            self.findings.append(f"{what}: {first_line[:400]}")
            return False
        return True

    def settle(self) -> None:
        """End of a step: fail with every soft finding and every request that left
        127.0.0.1 or was refused by the CSP in anyone's browser during the step."""
        for name, person in self.people.items():
            if person.context is None:
                continue
            requested, refused = self._checked.get(name, (0, 0))
            foreign = [
                url
                for url in person.context.foreign_requests()
                if url in person.context.requested[requested:]
            ]
            violations = person.context.csp_violations[refused:]
            self._checked[name] = (
                len(person.context.requested),
                len(person.context.csp_violations),
            )
            if foreign:
                self.findings.append(f"{name}'s browser requested other hosts: {foreign}")
            if violations:
                self.findings.append(f"{name}'s browser: the CSP refused {violations[:3]}")
        findings, self.findings = self.findings, []
        assert not findings, "\n".join(findings)

    def open_browser(self, person: Person) -> None:
        person.context = open_context(self.browser, self.site)
        # Approving or submitting also mails the next people in line, from
        # the request: give a slow, shared machine time to answer.
        person.context.context.set_default_timeout(ACTION_TIMEOUT)
        person.context.context.set_default_navigation_timeout(ACTION_TIMEOUT)
        person.page = person.context.new_page()


def mail_to(journey: Journey, address: str, *, containing: str = "") -> list:
    """Messages the SMTP server accepted for `address` (whose text contains `containing`)."""
    found = []
    for item in journey.site.smtp.handler.by_recipient().get(address.lower(), []):
        if containing and containing not in message_text(item.message):
            continue
        found.append(item.message)
    return found


def check(condition: bool, message: str) -> None:
    """An assertion as a function, for `Journey.soft`."""
    assert condition, message


def message_text(message) -> str:
    """Subject and plain-text body of a received message."""
    body = message.get_body(preferencelist=("plain", "html"))
    return f"{message['Subject']}\n{body.get_content() if body is not None else ''}"


def open_alerts_list(page) -> None:
    """Alerts, then All alerts, from the admin's menu."""
    sidebar = page.locator("#wagtail-sidebar")
    sidebar.get_by_role("button", name="Alerts", exact=True).click()
    with page.expect_navigation():
        sidebar.get_by_role("link", name="All alerts").click()
    expect(page.get_by_role("heading", name="Alerts", exact=True)).to_be_visible()


def approve_in_editor(page) -> None:
    """A Moderator's "Approve" (however the last task names it) in the page editor."""
    approve = [
        name
        for name in footer_actions(page)
        if name.startswith("Approve") and "comment" not in name
    ]
    assert approve, f"no Approve action; the footer offers {footer_actions(page)}"
    footer_action(page, approve[0])


def translation_segment(page, source_text: str):
    """The row of wagtail-localize's editor whose English source contains `source_text`."""
    return page.locator("li", has=page.locator("p", has_text=source_text)).last


def translate_segment(page, source_text: str, translation: str) -> None:
    """Translate one segment in wagtail-localize's editor and press its Save."""
    row = translation_segment(page, source_text)
    row.get_by_role("button", name=re.compile(r"^(Translate|Edit)$")).click()
    row.locator("textarea").fill(translation)
    with page.expect_response(
        lambda response: response.request.method == "PUT" and "/strings/" in response.url
    ) as saved:
        row.get_by_role("button", name="Save").click()
    assert saved.value.ok, f"saving the segment answered {saved.value.status}"
    expect(row).to_contain_text(translation)
