"""The alert editor's live measure of its text message (admin JSON).

``GET /admin/alerts/sms-measure.json?text=…&title=…&summary=…&page=<id>``
answers the measure of the text as typed, or of the default text (title,
summary and a link as long as the real one) when the text is empty: the
server measures, so the editor's numbers are the sending rule's
(``advocacy.sms.segments``), never a second copy of the tables. With a
saved alert and SMS_SEGMENT_COST above 0 it adds the estimated cost: the
alert's text-message recipients now × segments × SMS_SEGMENT_COST.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from advocacy.audience import alert_audience
from advocacy.models import AlertPage
from advocacy.sms.alert_links import placeholder_link_url
from advocacy.sms.segments import measure, segment_limit_error
from advocacy.sms.texts import default_text

# Longer input than any text field allows is not measured (the field refuses it).
MAX_INPUT = 2000


def sms_measure_json(request):
    """The measure (and estimated cost) of the text the editor is typing."""
    if not request.user.has_perm("wagtailadmin.access_admin"):
        raise PermissionDenied
    own = request.GET.get("text", "")[:MAX_INPUT].strip()
    text = own or default_text(
        request.GET.get("title", "")[:MAX_INPUT],
        request.GET.get("summary", "")[:MAX_INPUT],
        placeholder_link_url(),
    )
    result = measure(text)
    payload = {
        **result.as_dict(),
        "default": not own,
        "limit": int(settings.SMS_MAX_SEGMENTS),
        "refusal": segment_limit_error(text) or "",
        "recipients": None,
        "cost": None,
    }
    page_id = request.GET.get("page", "")
    page = AlertPage.objects.filter(pk=int(page_id)).first() if page_id.isdigit() else None
    cost = float(settings.SMS_SEGMENT_COST)
    if page is not None and cost > 0:
        recipients = alert_audience(page).subscribers.sms_recipients().count()
        payload["recipients"] = recipients
        payload["cost"] = round(recipients * result.segments * cost, 2)
    payload["summary"] = _summary(payload)
    return JsonResponse(payload, headers={"Cache-Control": "no-store"})


def _summary(data: dict) -> str:
    """The one line the editor reads under the field."""
    parts = [
        data["encoding"],
        ngettext("%(n)d character", "%(n)d characters", data["characters"])
        % {"n": data["characters"]},
        ngettext("%(n)d segment", "%(n)d segments", data["segments"]) % {"n": data["segments"]},
    ]
    if data["cost"] is not None:
        parts.append(
            ngettext(
                "estimated cost %(cost).2f for %(n)d recipient",
                "estimated cost %(cost).2f for %(n)d recipients",
                data["recipients"],
            )
            % {"cost": data["cost"], "n": data["recipients"]}
        )
    line = " · ".join(parts)
    if data["default"]:
        line = _("Default text (title, summary and link): %(measure)s") % {"measure": line}
    return line
