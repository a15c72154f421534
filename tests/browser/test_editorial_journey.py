"""The editorial side end to end, in Chromium, as the people who use it (issue 10, point 6).

One site of the module's own (`editorial_site`: a copy of the seeded
database, gunicorn, a Celery worker, an SMTP server in this process) and one
browser context per person, signed in once for the whole module. The steps
run in order and share what they made; each one says what it needs, so when
one fails the steps that depend on it are skipped and name it.

Everything is asserted as the person sees it: text on the page, what the
editor's footer offers, messages arriving at the SMTP server. Each person's
browser is also checked, after every step, for requests leaving 127.0.0.1 and
for anything the admin's Content-Security-Policy refused.

1. An admin creates an Editor, two Moderators and a Translator in the Users
   UI; each signs in and enrols in two-step sign-in.
2. The Editor changes an English guide and submits it to Legal review; a
   Moderator approves; the Translator sees the change, translates the segment
   in wagtail-localize's editor and publishes; the Spanish page shows it.
3. The Editor writes an urgent alert for Sunset Park, translates it into
   Spanish and Chinese, submits it; two Moderators approve each language
   ("1 of 2" in between); Moderator 1 sends a test, then sends; the progress
   view shows it finishing without a reload; the messages arrive by SMTP, each
   subscriber in their language, and nobody outside Sunset Park gets one.
4. What the Editor is refused along the way: publishing the Spanish alert
   without approval, publishing an alert written directly under /es/alerts/,
   approving their own alert, opening Send, seeing subscribers' addresses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import expect

from tests.browser.admin import AdminAccount, create_account, enrol_two_factor, page_id, path_of
from tests.browser.admin import sign_in as password_sign_in
from tests.browser.editorial import (
    Person,
    Subscriber,
    footer_action,
    footer_actions,
    wait_for,
)
from tests.support.browser import open_context

pytestmark = pytest.mark.browser

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


@pytest.fixture(autouse=True)
def _fresh_findings(request):
    """Each step reports only what went wrong in it."""
    if "journey" in request.fixturenames:
        request.getfixturevalue("journey").findings.clear()


@pytest.fixture(scope="module")
def journey(editorial_site, browser):
    imported = editorial_site.import_subscribers(SUBSCRIBERS)
    assert f"{len(SUBSCRIBERS)} imported as active" in imported, imported
    state = Journey(site=editorial_site, browser=browser)
    account = create_account(editorial_site, "office-admin", superuser=True)
    state.people["admin"] = Person(account, "office-admin@example.org", "Office", "Admin", None)
    yield state
    for person in state.people.values():
        if person.context is not None:
            person.context.context.close()


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


# --- 1. People ------------------------------------------------------------------------


def test_01_admin_creates_the_team_in_the_users_ui(journey):
    admin = journey.people["admin"]
    journey.open_browser(admin)
    page = admin.page
    password_sign_in(page, admin.account, "/admin/")
    enrol_two_factor(page, admin.account)
    assert path_of(page) == "/admin/"
    # The dashboard loads everything it asks for from the site itself
    # (checked at the end of the step with the CSP's refusals).
    page.wait_for_load_state("networkidle")
    page.goto("/admin/users/")

    team = [
        ("editor", "Elena", "Editor", "Editors"),
        ("moderator1", "Marta", "Moderator", "Moderators"),
        ("moderator2", "Min", "Moderator", "Moderators"),
        ("translator", "Tomas", "Translator", "Translators"),
    ]
    for key, first, last, group in team:
        username = f"{key}-journey"
        account = AdminAccount(username=username, groups=(group,))
        person = Person(account, f"{username}@example.org", first, last, group)
        page.get_by_role("link", name="Add a user").click()
        page.get_by_label("Username").fill(username)
        page.get_by_label("Email").fill(person.email)
        page.get_by_label("First Name").fill(first)
        page.get_by_label("Last Name").fill(last)
        page.locator("#id_password1").fill(account.password)
        page.locator("#id_password2").fill(account.password)
        page.locator("#tab-label-roles").click()
        page.get_by_label(group, exact=True).check()
        with page.expect_navigation():
            page.get_by_role("button", name="Create").click()
        expect(page.locator(".messages")).to_contain_text(f"User '{username}' created.")
        journey.people[key] = person
    journey.reached.add("team created")

    # The users list says who is in which group (issue 10, point 5).
    for key, *_rest, group in team:
        row = page.locator("tr", has_text=f"{key}-journey")
        journey.soft(
            f"the users list shows {key}-journey's group {group}",
            lambda row=row, group=group: expect(row).to_contain_text(group, timeout=SOFT_TIMEOUT),
        )
    journey.settle()


def test_02_each_person_signs_in_and_enrols_in_two_step_sign_in(journey):
    journey.needs("team created")
    for key in ("editor", "moderator1", "moderator2", "translator"):
        person = journey.people[key]
        journey.open_browser(person)
        page = person.page
        password_sign_in(page, person.account, "/admin/")
        expect(page.get_by_role("heading", name="Set up two-step sign-in")).to_be_visible()
        enrol_two_factor(page, person.account)
        assert path_of(page) == "/admin/"
        # Their own admin, under their own name.
        expect(page.locator("body")).to_contain_text(person.first_name)
    journey.reached.add("team enrolled")
    journey.settle()


# --- 2. A guide changes, is reviewed and translated ---------------------------------------


def test_03_editor_changes_an_english_guide_and_submits_it_to_legal_review(journey):
    journey.needs("team enrolled")
    journey.pages["guide en"] = page_id(journey.site, GUIDE_PATH, "en")
    journey.pages["guide es"] = page_id(journey.site, GUIDE_PATH, "es")
    page = journey.people["editor"].page
    page.goto(f"/admin/pages/{journey.pages['guide en']}/edit/")
    # An Editor cannot publish English guides: only submit them.
    assert "Publish" not in footer_actions(page), footer_actions(page)
    page.locator("#id_summary").fill(NEW_ENGLISH_SUMMARY)
    footer_action(page, "Submit to Legal review")
    expect(page.locator(".messages")).to_contain_text("submitted for moderation")
    journey.reached.add("guide submitted")

    # The Moderators are told by email.
    for key in ("moderator1", "moderator2"):
        address = journey.people[key].email
        journey.soft(
            f"{key} is emailed about the guide waiting for Legal review",
            lambda address=address: wait_for(
                lambda: mail_to(journey, address, containing="Your IDNYC card"),
                MAIL_TIMEOUT,
                f"a Legal review email to {address}",
            ),
        )
    journey.settle()


def test_04_a_moderator_approves_the_guide(journey):
    journey.needs("guide submitted")
    page = journey.people["moderator1"].page
    page.goto("/admin/")
    review = page.locator("section, div.panel, .w-panel", has_text="Awaiting your review").first
    expect(review).to_contain_text("Your IDNYC card")
    page.goto(f"/admin/pages/{journey.pages['guide en']}/edit/")
    approve_in_editor(page)
    expect(page.locator(".messages")).to_contain_text("Your IDNYC card")
    page.goto(f"/en{GUIDE_PATH}")
    expect(page.locator("main")).to_contain_text(NEW_ENGLISH_SUMMARY)
    journey.reached.add("guide approved")
    journey.settle()


def test_05_the_translator_sees_that_the_english_changed(journey):
    journey.needs("guide approved")
    page = journey.people["translator"].page

    # The public Spanish page says the translation may be behind.
    page.goto(f"/es{GUIDE_PATH}")
    journey.soft(
        "the Spanish guide says its translation may be behind the English",
        lambda: expect(page.locator(".notice-behind")).to_be_visible(timeout=SOFT_TIMEOUT),
    )

    # The translations report no longer calls it up to date.
    page.goto("/admin/localize/reports/translations/?target_locale=es")
    row = page.locator("tr", has_text="Su tarjeta IDNYC").first
    journey.soft(
        "the Translations report lists the Spanish guide as waiting for translations",
        lambda: expect(row).to_contain_text("Waiting for translations", timeout=SOFT_TIMEOUT),
    )

    # The translation editor shows the new English, and says it changed.
    page.goto(f"/admin/pages/{journey.pages['guide es']}/edit/")
    expect(page.get_by_role("heading", name="English to Español translation").first).to_be_visible()
    journey.soft(
        "the translation editor says the English version changed",
        lambda: expect(page.locator(".messages")).to_contain_text(
            "The English version changed", timeout=SOFT_TIMEOUT
        ),
    )
    expect(page.locator("main")).to_contain_text(NEW_ENGLISH_SUMMARY)
    journey.reached.add("translator sees the change")
    journey.settle()


def test_06_the_translator_translates_the_segment_and_the_spanish_page_updates(journey):
    journey.needs("translator sees the change")
    page = journey.people["translator"].page
    page.goto(f"/admin/pages/{journey.pages['guide es']}/edit/")
    translate_segment(page, NEW_ENGLISH_SUMMARY, NEW_SPANISH_SUMMARY)
    row = translation_segment(page, NEW_ENGLISH_SUMMARY)
    expect(row).to_contain_text("Translated manually")
    with page.expect_navigation():
        page.get_by_role("button", name="Publish in Español").click()
    expect(page.locator(".messages")).to_contain_text("Published")

    page.goto(f"/es{GUIDE_PATH}")
    expect(page.locator("main")).to_contain_text(NEW_SPANISH_SUMMARY)
    journey.soft(
        "the Spanish guide no longer says it may be behind",
        lambda: expect(page.locator(".notice-behind")).to_have_count(0, timeout=SOFT_TIMEOUT),
    )
    journey.reached.add("guide translated")
    journey.settle()


# --- 3. An urgent alert -------------------------------------------------------------------


def test_07_editor_writes_an_urgent_alert_for_sunset_park(journey):
    journey.needs("team enrolled")
    journey.pages["alerts en"] = page_id(journey.site, "/alerts/", "en")
    journey.pages["alerts es"] = page_id(journey.site, "/alerts/", "es")
    page = journey.people["editor"].page
    page.goto("/admin/")
    open_alerts_list(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Write an alert").click()
    assert path_of(page) == f"/admin/pages/add/advocacy/alertpage/{journey.pages['alerts en']}/"
    title, summary = ALERT["en"]
    page.locator("#id_title").fill(title)
    page.locator("#id_urgency").select_option("urgent")
    page.locator("#id_summary").fill(summary)
    # Areas are checkboxes; an area has to be ticked (or "Every area", explicitly).
    page.get_by_role("checkbox", name="Sunset Park", exact=True).check()
    assert "Publish" not in footer_actions(page), footer_actions(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Save draft").click()
    found = re.search(r"/admin/pages/(\d+)/edit/", page.url)
    assert found, f"after saving, expected the alert's editor; got {page.url}"
    journey.pages["alert en"] = int(found.group(1))
    expect(page.locator(".messages")).to_contain_text(title)
    journey.reached.add("alert written")
    journey.settle()


def translate_alert(journey: Journey, language: str) -> None:
    """The Editor asks for a translation from the English alert's actions and fills it in."""
    page = journey.people["editor"].page
    page.goto(f"/admin/pages/{journey.pages['alert en']}/edit/")
    page.locator("header").get_by_role("button", name="Actions").first.click()
    with page.expect_navigation():
        page.get_by_role("link", name="Translate this page").click()
    page.get_by_label(LANGUAGE_NAMES[language], exact=True).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Submit").click()
    # "Translate this page" opens the translation (issue 10, point 5).
    heading = f"English to {LANGUAGE_NAMES[language]} translation"
    opened = journey.soft(
        f"“Translate this page” opens the {language} translation",
        lambda: expect(page.get_by_role("heading", name=heading).first).to_be_visible(
            timeout=SOFT_TIMEOUT
        ),
    )
    if not opened:
        # Find it as a person would: the language's alert list, then the alert.
        index = page_id(journey.site, "/alerts/", language)
        page.goto(f"/admin/pages/{index}/")
        page.get_by_role("link", name=ALERT["en"][0]).first.click()
        expect(page.get_by_role("heading", name=heading).first).to_be_visible()
    found = re.search(r"/admin/pages/(\d+)/edit/", page.url)
    assert found, page.url
    journey.pages[f"alert {language}"] = int(found.group(1))
    for english, translated in zip(ALERT["en"], ALERT[language], strict=True):
        translate_segment(page, english, translated)


def test_08_editor_translates_the_alert_and_is_refused_publishing_it(journey):
    """Refusal 1: "Publish in Español" does not publish an unapproved alert translation."""
    journey.needs("alert written")
    page = journey.people["editor"].page
    for language in ("es", "zh-hans"):
        translate_alert(journey, language)
        with page.expect_navigation():
            page.get_by_role("button", name=f"Publish in {LANGUAGE_NAMES[language]}").click()
        expect(page.locator(".messages")).to_contain_text("Not published")
        expect(page.locator(".messages")).to_contain_text("approv")
    # Nobody reads it on the public site.
    for language in ("es", "zh-hans"):
        page.goto(f"/{language}/alerts/")
        expect(page.locator("main")).not_to_contain_text(ALERT[language][0])
    journey.reached.add("alert translated")
    journey.settle()


def test_09_editor_submits_the_alert_and_moderators_are_emailed(journey):
    journey.needs("alert translated")
    page = journey.people["editor"].page
    page.goto(f"/admin/pages/{journey.pages['alert en']}/edit/")
    footer_action(page, "Submit to Alert approval")
    expect(page.locator(".messages")).to_contain_text("submitted for moderation")
    journey.reached.add("alert submitted")
    for key in ("moderator1", "moderator2"):
        address = journey.people[key].email
        journey.soft(
            f"{key} is emailed that the alert waits for approval",
            lambda address=address: wait_for(
                lambda: mail_to(journey, address, containing=ALERT["en"][0]),
                MAIL_TIMEOUT,
                f"an approval email to {address}",
            ),
        )
    journey.settle()


def test_10_editor_cannot_approve_their_own_alert(journey):
    """Refusal 2: the author is offered no Approve, nor the alert to review."""
    journey.needs("alert submitted")
    page = journey.people["editor"].page
    page.goto(f"/admin/pages/{journey.pages['alert en']}/edit/")
    actions = footer_actions(page)
    assert not [name for name in actions if name.startswith("Approve")], actions
    page.goto("/admin/")
    expect(page.locator("main")).not_to_contain_text("Awaiting your review")
    journey.settle()


def approve_from_dashboard(page, page_id: int) -> None:
    """A Moderator's "Approve" on the page's row in the dashboard's "Awaiting your review".

    (Approving from the page editor races Wagtail's autosave, which saves a
    revision as the approver: see the report of this suite.)
    """
    page.goto("/admin/")
    row = (
        page.locator("tr")
        .filter(has=page.locator(f"a[href='/admin/pages/{page_id}/edit/']"))
        .filter(has=page.locator("td.actions-container"))
        .first
    )
    row.locator(".w-dropdown__toggle").first.click()
    with page.expect_navigation():
        row.get_by_role("button", name="Approve", exact=True).click()


def approvals_by_both_moderators(journey: Journey, key: str) -> None:
    """Moderator 1 approves (the page says 1 of 2), then Moderator 2 (it goes live)."""
    first = journey.people["moderator1"].page
    approve_from_dashboard(first, journey.pages[key])
    # The second-approval state is shown to everyone involved.
    first.goto(f"/admin/pages/{journey.pages[key]}/edit/")
    expect(first.locator("body")).to_contain_text(SECOND_APPROVAL_WAITING)
    # The first approver cannot approve a second time.
    assert not [n for n in footer_actions(first) if n.startswith("Approve")], footer_actions(first)
    editor = journey.people["editor"].page
    editor.goto(f"/admin/pages/{journey.pages[key]}/edit/")
    journey.soft(
        f"the Editor sees that {key} waits for a second approval",
        lambda: expect(editor.locator("body")).to_contain_text(
            SECOND_APPROVAL_WAITING, timeout=SOFT_TIMEOUT
        ),
    )
    if key == "alert en":
        open_alerts_list(editor)
        row = editor.locator("tr", has_text=ALERT["en"][0])
        journey.soft(
            "the Editor's Alerts list says the alert waits for a second approval",
            lambda: expect(row).to_contain_text(SECOND_APPROVAL_WAITING, timeout=SOFT_TIMEOUT),
        )
    second = journey.people["moderator2"].page
    second.goto(f"/admin/pages/{journey.pages[key]}/edit/")
    expect(second.locator("body")).to_contain_text(SECOND_APPROVAL_WAITING)
    approve_from_dashboard(second, journey.pages[key])


def test_11_two_moderators_approve_the_english_alert(journey):
    journey.needs("alert submitted")
    approvals_by_both_moderators(journey, "alert en")
    # The Editor's Alerts list says it is live, in English so far.
    editor = journey.people["editor"].page
    open_alerts_list(editor)
    row = editor.locator("tr", has_text=ALERT["en"][0])
    expect(row).to_contain_text("Live")
    page = journey.people["moderator2"].page
    page.goto("/en/alerts/")
    expect(page.locator("main")).to_contain_text(ALERT["en"][0])
    journey.reached.add("alert approved")
    journey.settle()


def test_12_two_moderators_approve_the_translations(journey):
    journey.needs("alert approved")
    for language in ("es", "zh-hans"):
        approvals_by_both_moderators(journey, f"alert {language}")
        page = journey.people["moderator2"].page
        page.goto(f"/{language}/alerts/")
        expect(page.locator("main")).to_contain_text(ALERT[language][0])
    journey.reached.add("translations approved")
    journey.settle()


def test_13_editor_cannot_open_send(journey):
    """Refusal 3: sending is for Moderators only."""
    journey.needs("alert approved")
    page = journey.people["editor"].page
    page.goto(f"/admin/pages/{journey.pages['alert en']}/edit/")
    expect(page.get_by_role("link", name=re.compile("^Send"))).to_have_count(0)
    page.goto(f"/admin/alerts/{journey.pages['alert en']}/send/")
    expect(page.locator("body")).to_contain_text(
        re.compile("Only Moderators can send alerts|do not have permission")
    )
    expect(page.locator("body")).not_to_contain_text("Send me a test")
    journey.settle()


def test_14_editor_cannot_publish_an_alert_written_under_es_alerts(journey):
    """Refusal 4: a new alert written directly in Spanish is not published either."""
    journey.needs("team enrolled")
    page = journey.people["editor"].page
    journey.pages.setdefault("alerts es", page_id(journey.site, "/alerts/", "es"))
    page.goto(f"/admin/pages/add/advocacy/alertpage/{journey.pages['alerts es']}/")
    page.locator("#id_title").fill(ROGUE_ALERT_TITLE)
    page.locator("#id_urgency").select_option("urgent")
    page.locator("#id_summary").fill("Difundan: redada ahora mismo. Este texto no está aprobado.")
    page.get_by_role("checkbox", name="Sunset Park", exact=True).check()
    # No Publish is offered...
    assert "Publish" not in footer_actions(page), footer_actions(page)
    # ...and a Publish sent anyway (as a crafted form would) is refused on screen.
    with page.expect_navigation():
        page.evaluate(
            """() => {
                const form = document.querySelector("form#page-edit-form");
                const publish = document.createElement("button");
                publish.type = "submit";
                publish.name = "action-publish";
                publish.value = "action-publish";
                form.appendChild(publish);
                form.requestSubmit(publish);
            }"""
        )
    expect(page.locator(".messages")).to_contain_text("not published")
    page.goto("/es/alerts/")
    expect(page.locator("main")).not_to_contain_text(ROGUE_ALERT_TITLE)
    page.goto("/api/v1/alerts/?lang=es")
    expect(page.locator("body")).not_to_contain_text(ROGUE_ALERT_TITLE)
    journey.settle()


def test_15_editor_sees_no_subscriber_addresses(journey):
    """Refusal 5: no admin page the Editor can open shows who subscribed."""
    journey.needs("team enrolled")
    page = journey.people["editor"].page
    page.goto("/admin/dispatches/")
    expect(page.locator("body")).to_contain_text(
        re.compile("Only Moderators|do not have permission")
    )
    visited = ["/admin/", "/admin/reports/site-history/"]
    if "alert en" in journey.pages:
        visited.append(f"/admin/pages/{journey.pages['alert en']}/edit/")
        visited.append(f"/admin/pages/{journey.pages['alert en']}/history/")
    for path in visited:
        page.goto(path)
        text = page.locator("body").inner_text()
        shown = [s.email for s in SUBSCRIBERS if s.email in text]
        assert shown == [], f"{path} shows {shown}"
    # Searching the admin for a subscriber's address finds what searching for
    # an address nobody gave finds: the search box's own echo, nothing more.
    echoes = {}
    for address in ("sunset-es@example.org", "nobody-here@example.org"):
        page.goto(f"/admin/pages/search/?q={address}")
        echoes[address] = page.locator("body").inner_text().count(address)
    assert echoes["sunset-es@example.org"] == echoes["nobody-here@example.org"], echoes
    # The API answers nothing about subscribers without a subscriber's own token.
    response = page.goto("/api/v1/subscriptions/me/")
    assert response.status in (401, 403), response.status
    text = page.locator("body").inner_text()
    assert not [s.email for s in SUBSCRIBERS if s.email in text], text[:500]
    journey.settle()


def test_16_moderator_sends_a_test_then_the_alert_and_it_arrives(journey):
    journey.needs("alert approved")
    moderator = journey.people["moderator1"]
    page = moderator.page
    open_alerts_list(page)
    row = page.locator("tr", has_text=ALERT["en"][0])
    with page.expect_navigation():
        row.get_by_role("link", name="Send…").click()
    expect(page.get_by_role("heading", name="Send alert")).to_be_visible()

    # The audience by language: four people in Sunset Park, each in their language.
    expect(page.locator("main")).to_contain_text(f"{len(SUNSET_PARK)} active subscribers")
    rows = page.locator("table.listing tbody tr")
    for language, count in (("en", 2), ("es", 1), ("zh-hans", 1)):
        row = rows.filter(has_text=f"({language})")
        expect(row).to_contain_text(str(count))
        journey.soft(
            f"the Send page says {language} readers get their language",
            lambda row=row: expect(row).to_contain_text("their language", timeout=SOFT_TIMEOUT),
        )

    # A test, in Spanish, to the Moderator's own address.
    page.get_by_label("Language").select_option("es")
    with page.expect_navigation():
        page.get_by_role("button", name="Send me a test").click()
    expect(page.locator(".messages")).to_contain_text("Test sent to your address.")
    wait_for(
        lambda: mail_to(journey, moderator.email, containing=ALERT["es"][0]),
        MAIL_TIMEOUT,
        "the Spanish test message",
    )

    # Send; the progress view follows it to the end without a reload.
    with page.expect_navigation():
        page.get_by_role("button", name=f"Send to {len(SUNSET_PARK)} subscribers").click()
    expect(page.locator(".messages")).to_contain_text("Sending started")
    page.evaluate("window.__sameDocument = true")
    expect(page.locator('[data-field="status_label"]').first).to_have_text(
        "finished", timeout=SEND_TIMEOUT * 1000
    )
    expect(page.locator('[data-field="sent"]').first).to_have_text(str(len(SUNSET_PARK)))
    expect(page.locator('[data-field="failed"]').first).to_have_text("0")
    assert page.evaluate("window.__sameDocument === true"), "the progress view reloaded"
    journey.reached.add("alert sent")

    # Each subscriber in Sunset Park got one message, in their language.
    for person in SUNSET_PARK:
        title = ALERT[person.language][0]
        wait_for(
            lambda p=person: mail_to(journey, p.email), MAIL_TIMEOUT, f"mail to {person.email}"
        )
        received = mail_to(journey, person.email)
        assert len(received) == 1, f"{person.email} got {len(received)} messages"
        text = message_text(received[0])
        journey.soft(
            f"{person.email} gets the alert in {person.language}",
            lambda text=text, title=title: check(title in text, f"{title!r} not in {text[:300]!r}"),
        )
    assert mail_to(journey, "manhattan-en@example.org") == [], "a Manhattan subscriber got it"
    journey.settle()


def test_17_the_sent_alert_cannot_be_sent_twice_by_accident(journey):
    journey.needs("alert sent")
    page = journey.people["moderator2"].page
    page.goto(f"/admin/alerts/{journey.pages['alert en']}/send/")
    expect(page.locator("main")).to_contain_text("This alert was already sent")
    expect(page.get_by_role("button", name=re.compile(r"^Send to \d+"))).to_have_count(0)
    journey.settle()
