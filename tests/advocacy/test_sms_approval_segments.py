"""A text message longer than SMS_MAX_SEGMENTS is refused before approval
even when it never passed the alert form: a translation edited through
wagtail-localize cannot be approved or go live with it, and says why."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from advocacy import approval
from advocacy.models import AlertPage
from advocacy.sms.segments import measure
from tests.factories.advocacy import alert_approval_workflow, approve_as, publish_alert
from tests.factories.site import locale
from tests.factories.users import moderator

pytestmark = pytest.mark.django_db

OVERLONG = "a" * 161  # two GSM-7 segments
FITTING = "a" * 160  # one


def spanish_translation(alert: AlertPage, sms_text: str) -> AlertPage:
    """A Spanish translation saved as wagtail-localize saves one: a revision,
    no form, submitted to the Alert approval workflow."""
    translated = alert.copy_for_translation(locale("es"), copy_parents=True)
    translated.sms_text = sms_text
    translated.save_revision()
    alert_approval_workflow()
    translated = AlertPage.objects.get(pk=translated.pk)
    translated.get_workflow().start(translated, None)
    return AlertPage.objects.get(pk=translated.pk)


def test_an_overlong_translated_text_cannot_be_approved(site_tree, settings):
    settings.SMS_MAX_SEGMENTS = 1
    assert measure(OVERLONG).segments == 2
    alert = publish_alert("Checkpoint segments")
    translated = spanish_translation(alert, OVERLONG)

    with pytest.raises(PermissionDenied, match=r"2 segments long; the limit is 1"):
        approve_as(translated, moderator("moderator-segments"))
    translated = AlertPage.objects.get(pk=translated.pk)
    assert not translated.live
    assert translated.get_latest_revision().alert_approvals.count() == 0


def test_a_fitting_translated_text_is_approved_and_goes_live(site_tree, settings):
    settings.SMS_MAX_SEGMENTS = 1
    alert = publish_alert("Checkpoint fits")
    translated = spanish_translation(alert, FITTING)
    translated = approve_as(translated, moderator("moderator-fits"))
    assert translated.live and translated.sms_text == FITTING


def test_going_live_with_an_overlong_text_is_refused(site_tree, settings):
    alert = publish_alert("Checkpoint live")
    assert approval.go_live_refusal(alert) is None
    settings.SMS_MAX_SEGMENTS = 1
    alert.sms_text = OVERLONG
    reason = approval.go_live_refusal(alert)
    assert reason and "2 segments long; the limit is 1" in reason
    # An empty text is made to fit when sent: never a refusal.
    alert.sms_text = ""
    assert approval.go_live_refusal(alert) is None
