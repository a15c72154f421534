"""manage.py record_policy_change and verify_policy_statement: what they record and print,
and bad input refused with the tracker's message, a non-zero exit and nothing written."""

from __future__ import annotations

import datetime
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone, translation

from know_your_rights.models import GuideUpdateMark, PolicyEvent, PolicySource, PolicyStatement
from tests.factories.know_your_rights import (
    PolicySourceFactory,
    body_citing,
    make_guide,
    make_statement,
    translate_guide,
)
from tests.factories.site import locale
from tests.factories.users import UserFactory
from tests.support.processes import subprocess_env


@pytest.fixture(autouse=True)
def _in_english():
    """Messages and dates in English, whatever language an earlier test left active."""
    with translation.override("en"):
        yield


@pytest.fixture
def cited(site_tree):
    statement = make_statement("test-ask-status", quote="Officers do not ask.")
    spanish_statement = statement.copy_for_translation(locale("es"))
    spanish_statement.save()
    guide = make_guide("test-stopped", title="Test stopped", body=body_citing([statement]))
    spanish = translate_guide(guide, "es", "Test detenido")
    spanish.body = body_citing([spanish_statement])
    spanish.save_revision().publish()
    return statement


def _record(statement, *extra, **options):
    arguments = [
        "record_policy_change",
        str(statement.pk),
        "--status",
        "changed",
        "--source-title",
        "Test ruling 2026",
        "--source-date",
        "2026-03",
        "--source-kind",
        "ruling",
        "--effective",
        "2026-03-01",
        *extra,
    ]
    call_command(*arguments, **options)


def _written():
    return (
        PolicyEvent.objects.count(),
        GuideUpdateMark.objects.count(),
        PolicySource.objects.count(),
        list(PolicyStatement.objects.order_by("pk").values_list("status", "quote")),
    )


def test_record_policy_change_records_marks_and_prints_what_it_marked(cited, tmp_path, capsys):
    text = tmp_path / "new.txt"
    text.write_text("Officers may ask.\n", encoding="utf-8")
    UserFactory(username="operator")
    _record(cited, "--text-file", str(text), "--note", "A test ruling.", "--user", "operator")
    out = capsys.readouterr().out
    event = PolicyEvent.objects.get(statement=cited, kind="change")
    assert event.recorded_by.username == "operator"
    assert (event.effective_year, event.effective_month, event.effective_day) == (2026, 3, 1)
    source = event.source
    assert (source.title, source.kind, source.date_year, source.date_month) == (
        "Test ruling 2026",
        "ruling",
        2026,
        3,
    )
    cited.refresh_from_db()
    assert (cited.status, cited.quote) == ("changed", "Officers may ask.")
    assert f"Recorded change #{event.sequence} to statement test-ask-status" in out
    assert "effective March 1, 2026" in out
    assert "“Test ruling 2026” (Court ruling, March 2026 (day not given)) (new)" in out
    assert "Marked 2 guide pages as needing update:" in out
    assert "en\tTest stopped\t/en/guides/test-stopped/" in out
    assert "es\tTest detenido\t/es/guides/test-stopped/" in out


def test_a_second_change_reuses_the_source_by_title_and_date(cited, capsys):
    _record(cited)
    _record(cited, "--status", "rescinded")  # argparse keeps the last --status
    assert PolicySource.objects.filter(title="Test ruling 2026").count() == 1
    assert "(new)" not in capsys.readouterr().out.split("Recorded change #2")[1]
    assert cited.events.filter(kind="change").count() == 2


def test_the_default_kind_of_a_new_source_is_memo(cited):
    call_command(
        "record_policy_change",
        str(cited.pk),
        "--status=rescinded",
        "--source-title=Test memo 2026",
        "--source-date=2026",
        "--effective=2026-01-15",
    )
    assert PolicySource.objects.get(title="Test memo 2026").kind == "memo"


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--status", "in-force"], "This changes nothing"),
        (["--status", "superseded"], "needs the statement that replaced it"),
        (["--effective", f"{datetime.date.today().year + 2}-01-01"], "more than a year ahead"),
        (["--effective", "2026-02-30"], "day is out of range"),
        (["--source-date", "March 2026"], "is not a date"),
        (["--source-date", "2026-13"], "month must be between 1 and 12"),
        (["--source-title", " "], "Give the source"),
        (["--source-kind", "memo", "--source-title", "Test ruling 2026"], None),
        (["--text-file", "/nonexistent/new.txt"], "Cannot read"),
        (["--user", "nobody"], "No user is called"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(cited, extra, message):
    if message is None:  # an existing source of another kind
        PolicySourceFactory(ruling=True, date_month=3)
        message = "is a court ruling, not a memo"
    before = _written()
    with pytest.raises(CommandError, match=message):
        _record(cited, *extra)
    assert _written() == before


def test_a_supersession_circle_is_refused(cited, site_tree):
    other = make_statement("test-other")
    _record(cited, "--status", "superseded", "--superseded-by", str(other.pk))
    before = _written()
    with pytest.raises(CommandError, match="circle"):
        _record(other, "--status", "superseded", "--superseded-by", str(cited.pk))
    with pytest.raises(CommandError, match="No policy statement has the id"):
        _record(other, "--status", "superseded", "--superseded-by", "999999")
    assert _written() == before


@pytest.mark.django_db(transaction=True)
def test_from_a_shell_bad_input_exits_non_zero_with_the_message(site_tree):
    statement = make_statement("test-shell")
    manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
    refused = subprocess.run(
        [*manage, "record_policy_change", str(statement.pk), "--status", "in-force"]
        + ["--source-title", "Test ruling 2026", "--source-date", "2026"]
        + ["--effective", "2026-03-01"],
        env=subprocess_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert refused.returncode != 0
    assert "This changes nothing" in refused.stderr
    assert not statement.events.exists()
    assert not PolicySource.objects.filter(title="Test ruling 2026").exists()


def test_verify_policy_statement_records_and_prints_the_notices_it_cleared(cited, capsys):
    call_command(
        "verify_policy_statement",
        str(cited.pk),
        "--source-title=Test ruling 2026",
        "--source-date=2026-03",
        "--source-kind=ruling",
        "--note=Checked against the test ruling.",
    )
    out = capsys.readouterr().out
    event = PolicyEvent.objects.get(statement=cited, kind="verification")
    assert event.checked_on == timezone.localdate() and event.note
    cited.refresh_from_db()
    assert cited.last_verified == timezone.localdate()
    assert not GuideUpdateMark.objects.filter(event=event).exists()
    assert f"Recorded verification #{event.sequence} of statement test-ask-status" in out
    assert 'The "may be out of date" notice went away from 2 guide pages:' in out
    assert "en\tTest stopped\t/en/guides/test-stopped/" in out
    assert "es\tTest detenido\t/es/guides/test-stopped/" in out

    # Checked again: nothing was out of date, so no notice went away.
    call_command(
        "verify_policy_statement",
        str(cited.pk),
        "--source-title=Test ruling 2026",
        "--source-date=2026-03",
    )
    assert 'No guide\'s "may be out of date" notice went away.' in capsys.readouterr().out


def test_verifying_a_rescinded_statement_is_refused(cited):
    _record(cited, "--status", "rescinded")
    before = _written()
    with pytest.raises(CommandError, match="This statement is rescinded"):
        call_command(
            "verify_policy_statement",
            str(cited.pk),
            "--source-title=Test ruling 2026",
            "--source-date=2026-03",
        )
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(CommandError, match="cannot be dated in the future"):
        call_command(
            "verify_policy_statement",
            str(make_statement("test-other").pk),
            "--source-title=Test ruling 2026",
            "--source-date=2026-03",
            f"--checked-on={tomorrow:%Y-%m-%d}",
        )
    assert _written()[:3] == before[:3]
