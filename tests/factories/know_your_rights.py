"""Policy sources and statements, hotlines, guide pages with bodies, and
their translations."""

from __future__ import annotations

import uuid

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory
from wagtail.models import PageViewRestriction

from know_your_rights.models import (
    GuidePage,
    GuideUpdateMark,
    Hotline,
    PolicyEvent,
    PolicySource,
    PolicyStatement,
)
from tests.factories.site import guide_index, locale


class PolicySourceFactory(DjangoModelFactory):
    """A test source (made once per title). Traits ``law``, ``ruling``, ``order``
    and ``news_report`` give its kind and a plainly test title ("Test ruling 2026");
    the default is the test memo."""

    class Meta:
        model = PolicySource
        django_get_or_create = ("title",)

    title = "Test memo"
    kind = PolicySource.Kind.MEMO
    issuer = "Test issuer"
    date_year = 2017
    url = "https://example.org/memo"

    class Params:
        law = factory.Trait(kind=PolicySource.Kind.LAW, title="Test law 2026", date_year=2026)
        ruling = factory.Trait(
            kind=PolicySource.Kind.RULING, title="Test ruling 2026", date_year=2026
        )
        order = factory.Trait(
            kind=PolicySource.Kind.ORDER, title="Test executive order 2026", date_year=2026
        )
        news_report = factory.Trait(
            kind=PolicySource.Kind.NEWS_REPORT, title="Test news report 2026", date_year=None
        )


class PolicyStatementFactory(DjangoModelFactory):
    """One commitment of the test memo, in English unless ``locale`` says otherwise."""

    class Meta:
        model = PolicyStatement

    key = factory.Sequence(lambda n: f"statement-{n}")
    locale = factory.LazyFunction(lambda: locale("en"))
    source = factory.SubFactory(PolicySourceFactory)
    attribution = "Policy as stated in the test memo"
    quote = factory.LazyAttribute(lambda statement: f"Quote {statement.key}.")
    summary = factory.LazyAttribute(lambda statement: f"Summary {statement.key}.")
    as_of_year = 2017


class PolicyEventFactory(DjangoModelFactory):
    """An event written directly (no rules applied, no guide marked): a change
    of a new test statement to "changed" on the test ruling, numbered after the
    statement's latest event. Trait ``verification`` makes a verification, and
    ``first_version`` a first version. To apply the rules, use
    ``know_your_rights.tracker.recording`` instead."""

    class Meta:
        model = PolicyEvent

    statement = factory.SubFactory(PolicyStatementFactory)
    sequence = factory.LazyAttribute(
        lambda event: (
            (
                PolicyEvent.objects.filter(statement=event.statement)
                .order_by("-sequence")
                .values_list("sequence", flat=True)
                .first()
                or 0
            )
            + 1
        )
    )
    kind = PolicyEvent.Kind.CHANGE
    status = PolicyStatement.Status.CHANGED
    quote = factory.LazyAttribute(lambda event: event.statement.quote)
    previous_status = factory.LazyAttribute(lambda event: event.statement.status)
    previous_quote = factory.LazyAttribute(lambda event: event.statement.quote)
    note = "Test change."
    source = factory.SubFactory(PolicySourceFactory, ruling=True)
    effective_year = 2026
    effective_month = 3
    effective_day = 1

    class Params:
        verification = factory.Trait(
            kind=PolicyEvent.Kind.VERIFICATION,
            status=factory.LazyAttribute(lambda event: event.statement.status),
            note="Checked.",
            effective_year=None,
            effective_month=None,
            effective_day=None,
            checked_on=factory.LazyFunction(timezone.localdate),
        )
        first_version = factory.Trait(
            kind=PolicyEvent.Kind.FIRST_VERSION,
            status=factory.LazyAttribute(lambda event: event.statement.status),
            previous_status="",
            previous_quote="",
            note="",
            source=factory.LazyAttribute(lambda event: event.statement.source),
            effective_year=2017,
            effective_month=None,
            effective_day=None,
        )


class GuideUpdateMarkFactory(DjangoModelFactory):
    """An open mark of ``page`` (required) for a new test change; ``cleared`` trait clears it."""

    class Meta:
        model = GuideUpdateMark

    event = factory.SubFactory(PolicyEventFactory)
    locale = factory.LazyAttribute(lambda mark: mark.page.locale)
    marked_at = factory.LazyFunction(timezone.now)

    class Params:
        cleared = factory.Trait(cleared_at=factory.LazyFunction(timezone.now))


class HotlineFactory(DjangoModelFactory):
    class Meta:
        model = Hotline

    name = "Test line"
    phone = "000"
    locale = factory.LazyFunction(lambda: locale("en"))


def make_statement(key: str, code: str = "en", **fields) -> PolicyStatement:
    """A statement of the test memo in language ``code``."""
    return PolicyStatementFactory(key=key, locale=locale(code), **fields)


def make_hotline(name: str = "Test line", code: str = "en", **fields) -> Hotline:
    return HotlineFactory(name=name, locale=locale(code), **fields)


def body_citing(statements, hotline=None) -> list[dict]:
    """A guide body (raw StreamField data): one right per statement, citing it,
    a list of steps, and the hotline if given."""
    blocks = [
        {
            "type": "right",
            "id": str(uuid.uuid4()),
            "value": {
                "right": f"Right {n}",
                "say": "Say this.",
                "avoid": "",
                "statement": statement.pk,
                "on_card": True,
            },
        }
        for n, statement in enumerate(statements)
    ]
    blocks.append(
        {"type": "steps", "id": str(uuid.uuid4()), "value": {"heading": "Do", "steps": ["One"]}}
    )
    if hotline is not None:
        blocks.append(
            {
                "type": "hotline",
                "id": str(uuid.uuid4()),
                "value": {"hotline": hotline.pk, "note": "Call"},
            }
        )
    return blocks


def body_with_every_block(text: str, statement, hotline, rich: str) -> list:
    """A guide body with one block of every kind, ``text`` in each plain field
    and ``rich`` in each rich-text one."""
    return [
        (
            "right",
            {"right": text, "say": text, "avoid": text, "statement": statement, "on_card": True},
        ),
        ("steps", {"heading": text, "steps": [text, text]}),
        ("callout", {"heading": text, "text": rich, "statement": statement}),
        ("hotline", {"hotline": hotline, "note": text}),
        ("faq", {"heading": text, "items": [{"question": text, "answer": rich}]}),
        ("paragraph", rich),
    ]


class GuidePageFactory(DjangoModelFactory):
    """A guide under the English guide index (or ``parent``), published unless
    the ``draft`` trait is given."""

    class Meta:
        model = GuidePage

    parent = factory.LazyFunction(guide_index)
    slug = factory.Sequence(lambda n: f"guide-{n}")
    title = factory.LazyAttribute(lambda guide: guide.slug.replace("-", " ").title())
    situation = factory.LazyAttribute(lambda guide: f"Situation {guide.slug}")
    summary = factory.LazyAttribute(lambda guide: f"Summary of {guide.slug}.")
    body = factory.LazyFunction(list)
    published = True

    class Params:
        draft = factory.Trait(published=False)

    @classmethod
    def _create(cls, model_class, *args, parent=None, published=True, **kwargs):
        guide = model_class(**kwargs)
        parent.add_child(instance=guide)
        revision = guide.save_revision()
        if published:
            revision.publish()
            guide.refresh_from_db()
        else:
            guide.live = False
            guide.save()
        return guide


def make_guide(slug: str, title: str = "", body=None, publish: bool = True, **fields) -> GuidePage:
    """A guide page under the English guide index, published unless ``publish`` is false."""
    if title:
        fields["title"] = title
    return GuidePageFactory(slug=slug, body=body or [], published=publish, **fields)


def translate_guide(page: GuidePage, code: str, title: str, publish: bool = True) -> GuidePage:
    """A translation of ``page`` into ``code`` titled ``title``."""
    translated = page.copy_for_translation(locale(code), copy_parents=True)
    translated.title = title
    revision = translated.save_revision()
    if publish:
        revision.publish()
    translated.refresh_from_db()
    return translated


def make_private(page) -> None:
    """Put ``page`` behind a password."""
    PageViewRestriction.objects.create(page=page, restriction_type="password", password="x")
