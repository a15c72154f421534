"""Public alert pages: the index lists live, unexpired alerts; an alert shows
its follow-ups; neither has inline script or style."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories.advocacy import publish_alert

pytestmark = pytest.mark.django_db


def test_alert_index_lists_current_alerts_and_keeps_expired_ones_apart(client):
    current = publish_alert("Know your rights at home", urgency="urgent")
    publish_alert("Old checkpoint", expires_at=timezone.now() - timedelta(days=1))
    response = client.get("/en/alerts/")
    assert response.status_code == 200
    context_alerts = list(response.context["alerts"])
    assert [a.pk for a in context_alerts] == [current.pk]
    assert [a.title for a in response.context["expired_alerts"]] == ["Old checkpoint"]
    page = response.content.decode()
    assert "<script>" not in page and "style=" not in page


def test_alert_page_links_its_correction(client):
    earlier = publish_alert("Raid reported on 5th Avenue")
    correction = publish_alert(
        "Correction: no raid on 5th Avenue", follow_up_kind="correction", follow_up_of=earlier
    )
    earlier_page = client.get(earlier.url).content.decode()
    assert correction.title in earlier_page
    correction_page = client.get(correction.url).content.decode()
    assert "This corrects an earlier alert" in correction_page
    assert earlier.title in correction_page
    assert "<script>" not in correction_page and "style=" not in correction_page
