"""What a change touches (know_your_rights.tracker.impact): every guide citing the
statement, in every language, live or draft, is marked; the English mark clears through
a real Legal review approval started after the change, a translation's when it is
approved after its English guide was updated; a verification marks nothing and takes
the "may be out of date" notice away once all of a guide's statements are verified."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from know_your_rights.models import GuidePage, GuideUpdateMark, PolicyStatement
from know_your_rights.review import approve
from know_your_rights.tracker import impact
from know_your_rights.tracker.recording import (
    record_change,
    record_correction,
    record_verification,
)
from tests.factories.know_your_rights import (
    PolicySourceFactory,
    body_citing,
    make_guide,
    make_statement,
    translate_guide,
)
from tests.factories.site import locale
from tests.factories.users import UserFactory

EFFECTIVE = datetime.date(2026, 3, 1)


def _translated_statement(english, code):
    translated = english.copy_for_translation(locale(code))
    translated.summary = f"{english.summary} ({code})"
    translated.save()
    return translated


def _translated_guide(english_guide, code, statements):
    """A published translation of the guide whose body cites the translated statements."""
    translated = translate_guide(english_guide, code, f"{english_guide.title} ({code})")
    translated = GuidePage.objects.get(pk=translated.pk)
    translated.body = body_citing(statements)
    translated.save_revision().publish()
    return GuidePage.objects.get(pk=translated.pk)


@pytest.fixture(autouse=True)
def _in_english():
    """Messages and dates in English, whatever language an earlier test left active."""
    with translation.override("en"):
        yield


@pytest.fixture
def cited(site_tree):
    """A statement in English, Spanish and Arabic; an English guide citing it, its Spanish and
    Arabic translations citing the translated statements; guides that do not cite it."""
    statement = make_statement("test-ask-status")
    spanish_statement = _translated_statement(statement, "es")
    arabic_statement = _translated_statement(statement, "ar")
    other = make_statement("test-other")
    guide = make_guide("test-stopped", body=body_citing([other, statement]))
    return {
        "statement": statement,
        "other": other,
        "guide": guide,
        "es": _translated_guide(guide, "es", [spanish_statement]),
        "ar": _translated_guide(guide, "ar", [arabic_statement]),
        "unrelated": make_guide("test-unrelated", body=body_citing([other])),
        "ruling": PolicySourceFactory(ruling=True),
    }


def _change(cited, **fields):
    arguments = {
        "status": "changed",
        "quote": "Officers may ask.",
        "source": cited["ruling"],
        "effective_date": EFFECTIVE,
        "note": "A test ruling changed it.",
    }
    return record_change(cited["statement"], **{**arguments, **fields})


def _open_pages():
    return set(GuideUpdateMark.objects.open().values_list("page_id", flat=True))


def _legal_review(page, editor, moderator=None):
    """Submit the guide's latest revision to Legal review; approve it if a moderator is given."""
    page = GuidePage.objects.get(pk=page.pk)
    page.save_revision(user=editor)
    assert page.get_workflow().name == "Legal review"
    page.get_workflow().start(page, editor)
    if moderator is not None:
        _approve_review(page, moderator)


def _approve_review(page, moderator):
    state = GuidePage.objects.get(pk=page.pk).current_workflow_task_state.specific
    state.task.specific.on_action(state, moderator, "approve")


def test_a_change_marks_every_citing_guide_in_every_language(cited):
    event = _change(cited)
    marks = GuideUpdateMark.objects.filter(event=event)
    assert {(m.page_id, m.locale.language_code) for m in marks} == {
        (cited["guide"].pk, "en"),
        (cited["es"].pk, "es"),
        (cited["ar"].pk, "ar"),
    }
    assert all(m.cleared_at is None and m.marked_at == event.recorded_at for m in marks)
    # A correction that changes the text marks them again, for the correction.
    correction = record_correction(
        event,
        status="changed",
        quote="Officers may ask, in some cases.",
        source=cited["ruling"],
        effective_date=EFFECTIVE,
        note="The ruling's words, exactly.",
    )
    assert set(correction.guide_marks.values_list("page_id", flat=True)) == {
        cited["guide"].pk,
        cited["es"].pk,
        cited["ar"].pk,
    }


def test_drafts_are_marked_too(cited):
    never_published = make_guide(
        "test-draft", body=body_citing([cited["statement"]]), publish=False
    )
    live_with_draft = GuidePage.objects.get(pk=cited["unrelated"].pk)
    live_with_draft.body = body_citing([cited["other"], cited["statement"]])
    live_with_draft.save_revision()  # not published: the live body does not cite it
    pages = set(impact.guides_citing(cited["statement"]).values_list("pk", flat=True))
    assert never_published.pk in pages and live_with_draft.pk in pages
    event = _change(cited)
    assert {never_published.pk, live_with_draft.pk} <= set(
        event.guide_marks.values_list("page_id", flat=True)
    )


def test_a_verification_marks_nothing(cited):
    record_verification(cited["statement"], source=cited["ruling"])
    assert not GuideUpdateMark.objects.exists()


def test_open_marks_for_pages_in_one_query(cited):
    first = _change(cited)
    second = _change(cited, status="rescinded", quote=None)
    pages = [cited["guide"].pk, cited["es"].pk, cited["unrelated"].pk]
    with CaptureQueriesContext(connection) as queries:
        marks = impact.open_marks_for_pages(pages)
        assert marks[cited["es"].pk][0].event.source.title == "Test ruling 2026"
        assert marks[cited["es"].pk][0].event.statement.key == "test-ask-status"
    assert len(queries) == 1
    assert [m.event for m in marks[cited["guide"].pk]] == [second, first]
    assert cited["unrelated"].pk not in marks


def test_legal_review_started_after_the_change_clears_the_english_mark(cited):
    editor = UserFactory(editor=True)
    moderator = UserFactory(moderator=True)
    # A review started before the change cannot have taken it into account.
    _legal_review(cited["guide"], editor)
    event = _change(cited)
    _approve_review(cited["guide"], moderator)
    assert cited["guide"].pk in _open_pages()

    _legal_review(cited["guide"], editor, moderator)
    english_mark = GuideUpdateMark.objects.get(event=event, page=cited["guide"])
    assert english_mark.cleared_at is not None and english_mark.cleared_by == moderator
    assert {cited["es"].pk, cited["ar"].pk} <= _open_pages()  # translations keep theirs


def test_a_translation_clears_when_approved_after_the_english_guide(cited):
    editor, moderator = UserFactory(editor=True), UserFactory(moderator=True)
    event = _change(cited)
    # Approved while the English guide still needs updating: the mark stays.
    approve(cited["es"], moderator)
    assert cited["es"].pk in _open_pages()
    states = _states(event)
    assert states == {"en": "needs_update", "es": "needs_update", "ar": "needs_update"}

    _legal_review(cited["guide"], editor, moderator)
    assert _states(event) == {
        "en": "done",
        "es": "awaiting_translation",
        "ar": "awaiting_translation",
    }

    approve(cited["es"], moderator)
    mark = GuideUpdateMark.objects.get(event=event, page=cited["es"])
    assert mark.cleared_by == moderator
    assert _states(event) == {"en": "done", "es": "done", "ar": "awaiting_translation"}
    row = impact.change_impact([event])[event.pk][0]
    assert row["guide"].pk == cited["guide"].pk
    assert [language["locale"].language_code for language in row["languages"]] == ["en", "es", "ar"]
    assert row["languages"][1]["last_touched_by"] == moderator


def _states(event) -> dict[str, str]:
    (row,) = impact.change_impact([event])[event.pk]
    return {language["locale"].language_code: language["state"] for language in row["languages"]}


def test_change_impact_queries_do_not_grow_with_the_guides(cited):
    event = _change(cited)

    def queries_for(event):
        with CaptureQueriesContext(connection) as queries:
            impact.change_impact([event])
        return len(queries)

    few = queries_for(event)
    for n in range(4):
        guide = make_guide(f"test-more-{n}", body=body_citing([cited["statement"]]))
        _translated_guide(
            guide, "es", [PolicyStatement.objects.get(key="test-ask-status", locale=locale("es"))]
        )
    more = _change(cited, status="rescinded", quote=None)
    assert len(impact.change_impact([more])[more.pk]) == 5
    assert queries_for(more) == few


def _banner(client, page) -> bool:
    cache.clear()
    response = client.get(page.url)
    assert response.status_code == 200
    return (
        "notice-banner" in response.content.decode() and "notice-stale" in response.content.decode()
    )


def test_verifying_every_statement_of_a_guide_takes_its_out_of_date_notice_away(cited, client):
    assert _banner(client, cited["guide"]) and _banner(client, cited["es"])
    record_verification(cited["statement"], source=cited["ruling"])
    assert _banner(client, cited["guide"])  # the other statement was never checked
    record_verification(cited["other"], source=cited["ruling"])
    assert not _banner(client, cited["guide"])
    assert not _banner(client, cited["es"])


def test_an_old_verification_no_longer_counts(cited, settings, client):
    settings.POLICY_REVIEW_DAYS = 30
    long_ago = timezone.localdate() - datetime.timedelta(days=31)
    for key in ("statement", "other"):
        record_verification(cited[key], source=cited["ruling"], checked_on=long_ago)
    assert _banner(client, cited["guide"])
    settings.POLICY_REVIEW_DAYS = 180
    assert not _banner(client, cited["guide"])
