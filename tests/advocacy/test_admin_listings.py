"""The two admin listings (Alerts, Alert dispatches) share one table include:
every row has as many cells as the table has headings, the empty row spans
the whole table, and the pager pages."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group, User

from advocacy.models import AlertPage, Dispatch
from tests.factories.site import build_site_tree
from tests.support.auth import sign_in_verified

pytestmark = pytest.mark.django_db


def signed_in(client, name: str, group: str) -> User:
    user = User.objects.create_user(name, f"{name}@example.org", "x" * 16)
    user.groups.add(Group.objects.get(name=group))
    sign_in_verified(client, user)
    return user


def table_shape(html: str) -> tuple[int, list[int], list[str]]:
    """(number of headings, cells per body row, colspans of body cells)."""
    start = html.index('<table class="listing">')
    table = html[start : html.index("</table>", start)]
    head, body = table.split("</thead>")
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    return (
        head.count("<th>"),
        [row.count("<td") for row in rows],
        re.findall(r'colspan="(\d+)"', body),
    )


def test_alert_list_rows_fill_the_table_for_editors_and_moderators(client):
    index = build_site_tree().alert_index
    index.add_child(instance=AlertPage(title="Shelter open", summary="Open.", every_area=True))
    signed_in(client, "edna", "Editors")
    html = client.get("/admin/alerts/").content.decode()
    assert table_shape(html) == (5, [5], [])
    assert "Shelter open" in html

    client.logout()
    signed_in(client, "mona", "Moderators")
    html = client.get("/admin/alerts/").content.decode()
    assert table_shape(html) == (6, [6], [])


def test_empty_alert_list_says_so_across_the_table(client):
    build_site_tree()
    signed_in(client, "edna", "Editors")
    html = client.get("/admin/alerts/").content.decode()
    assert "No alert has been written yet." in html
    assert table_shape(html) == (5, [1], ["5"])


def test_dispatch_list_rows_and_pager(client):
    signed_in(client, "mona", "Moderators")
    html = client.get("/admin/dispatches/").content.decode()
    assert "Nothing has been sent yet." in html
    assert table_shape(html) == (4, [1], ["4"])

    Dispatch.objects.bulk_create(
        Dispatch(kind=Dispatch.Kind.DIGEST, alert_title=f"Digest {n}") for n in range(51)
    )
    html = client.get("/admin/dispatches/").content.decode()
    assert table_shape(html) == (4, [4] * 50, [])
    assert 'href="?p=2">Older</a>' in html
    assert "Newer" not in html
    older = client.get("/admin/dispatches/?p=2").content.decode()
    assert table_shape(older) == (4, [4], [])
    assert 'href="?p=1">Newer</a>' in older
    assert 'class="faro-dispatch-progress"' in older
