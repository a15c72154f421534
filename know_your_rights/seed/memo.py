"""The first content (data): guides built on the 2017 NYPD memo, in all twelve languages.

The loader that writes it is ``know_your_rights.seeding`` (``load_memo_content``).

Every fact here comes from the Patch article that quotes the memo
(seed/patch_article_excerpts.txt, seed/nypd_memo_2017.txt). The memo's year,
2017, is the one addition; no day is given, so none is recorded. No statement
gets a "last verified" date: nobody has checked 2017 policy against today's,
and readers must see that.

Translations are made through wagtail-localize (a TranslationSource per
object, a StringTranslation per segment, then `save_target`), so translators
can edit and sync them later in the admin. The translated strings live in
seed/translations/<language>.json, keyed by the English string; they are
machine-made, and stay marked "needs review" until a person approves them.
They render each legal term as the term base says (seed/terms/, checked by
tests/know_your_rights/test_words_terms.py).

The English follows the guide authors' rule: what the memo says is stated as
the NYPD's stated practice ("The NYPD said it does not ask…"), with every
condition and group the memo gives and nothing it does not ("only", "must");
anything else (Patch, El Grito, Anna Law) is attributed in the sentence,
with the scope its source gives. tests/know_your_rights/test_words_english.py
names the sentence each statement rests on.
"""

from __future__ import annotations

__all__ = [
    "ARTICLE_TITLE",
    "DETAINERS_RIGHT",
    "EARLIER_SEED_SUMMARIES",
    "GUIDES",
    "ICE_IS_NOT_NYPD",
    "INDEX",
    "MEMO_ATTRIBUTION",
    "MEMO_TITLE",
    "NAMES_KEPT_AS_IS",
    "SOURCES",
    "STATEMENTS",
]

ARTICLE_TITLE = "NYPD Officers 'Want To Cooperate With ICE,' Union President Says"
MEMO_TITLE = "Memo from the NYPD Police Commissioner on the NYPD's immigration-related policies"
MEMO_ATTRIBUTION = "NYPD policy as stated in the Police Commissioner's 2017 memo"
# Names that stay as they are in every language (a translation equal to the English is right).
NAMES_KEPT_AS_IS = {"Patch"}


# "kind" is a PolicySource.Kind value. The memo's statements get their first
# version in the policy tracker (effective in the memo's year, day not given).
SOURCES = [
    {
        "title": MEMO_TITLE,
        "kind": "memo",
        "issuer": "NYPD Police Commissioner",
        "date_year": 2017,
        "full_text_file": "nypd_memo_2017.txt",
        "text_attribution": (
            f"Full text as quoted in the Patch article “{ARTICLE_TITLE}”. "
            "The seed gives no day or month for the memo, only the year."
        ),
    },
    {
        "title": ARTICLE_TITLE,
        "kind": "news_report",
        "issuer": "Patch",
        "date_year": None,
        "full_text_file": "patch_article_excerpts.txt",
        "text_attribution": "Excerpts Faro cites, word for word. The article gives no date.",
    },
]

# Reported claims, each said as the source says it, with its source and its scope.
FINGERPRINTS_REPORTED = (
    "El Grito, an immigrant advocacy group in Sunset Park, wrote in a letter quoted by Patch "
    "that every arrest produces fingerprints that are sent to federal law enforcement officials."
)
SMALL_OFFENSES_REPORTED = (
    "Patch reported that under President Trump, small offenses on a person's record, like "
    "selling on the street or not paying the subway fare, can raise the risk of deportation "
    "for people without papers."
)

# "kind" is a PolicyStatement.Kind value: "policy", or "reported" (a fact, not policy).
STATEMENTS = [
    {
        "key": "idnyc-accepted",
        "source": MEMO_TITLE,
        "kind": "policy",
        "attribution": MEMO_ATTRIBUTION,
        "quote": (
            "The NYPD accepts the city’s IDNYC as a valid and recognized form of "
            "government-issued identification, including for the issuance of summonses "
            "and desk appearance tickets."
        ),
        "summary": (
            "The NYPD accepts IDNYC as government ID. This includes when the police give "
            "you a summons or a desk appearance ticket."
        ),
        "as_of_year": 2017,
    },
    {
        "key": "no-status-questions",
        "source": MEMO_TITLE,
        "kind": "policy",
        "attribution": MEMO_ATTRIBUTION,
        "quote": (
            "The NYPD does not inquire about the immigration status of crime victims, "
            "witnesses, or others who call or approach the police seeking assistance."
        ),
        "summary": (
            "The NYPD does not ask about immigration status if you are a crime victim or a "
            "witness, or if you ask the police for help."
        ),
        "as_of_year": 2017,
    },
    {
        "key": "no-civil-enforcement",
        "source": MEMO_TITLE,
        "kind": "policy",
        "attribution": MEMO_ATTRIBUTION,
        "quote": (
            "The NYPD does not conduct civil immigration enforcement. Specifically, this "
            "department does not enforce administrative warrants issued by Immigration and "
            "Custom Enforcement agents or federal immigration judges solely in connection "
            "with civil immigration violations. For example, the NYPD does not arrest or "
            "detain individuals for immigration violations such as overstaying a "
            "lawfully-issued visa."
        ),
        "summary": (
            "The NYPD does not enforce civil immigration law. It does not enforce "
            "administrative warrants from ICE agents or from federal immigration judges when "
            "they concern only a civil immigration violation. For example, it does not arrest "
            "or hold people for an immigration violation such as staying after a visa ends."
        ),
        "as_of_year": 2017,
    },
    {
        "key": "detainers-narrow",
        "source": MEMO_TITLE,
        "kind": "policy",
        "attribution": MEMO_ATTRIBUTION,
        "quote": (
            "However, the NYPD does and will continue to honor federal immigration "
            "detainers when there is a risk to public safety. Pursuant to New York City "
            "law, the NYPD detains for federal authorities individuals in our custody who "
            "have been convicted of a violent or serious felony, or are on the terrorist "
            "watch list and a judicial warrant has been issued."
        ),
        "summary": (
            "A detainer is a request from federal immigration authorities to hold a person. "
            "The NYPD honors federal immigration detainers when there is a risk to public "
            "safety. Under New York City law, it holds for federal authorities people in its "
            "custody who have been convicted of a violent or serious felony, or who are on "
            "the terrorist watch list and a judicial warrant has been issued."
        ),
        "as_of_year": 2017,
    },
    {
        "key": "detainer-review",
        "source": MEMO_TITLE,
        "kind": "policy",
        "attribution": MEMO_ATTRIBUTION,
        "quote": (
            "The Criminal Justice Bureau is responsible for borough-wide arrest processing, "
            "overseeing Central Booking, and ensuring the timely arraignment of arrestees. "
            "This command has been tasked with reviewing federal immigration detainer "
            "requests in consultation with the Legal Bureau. Members of the service who "
            "have questions regarding immigration detainers should consult the Criminal "
            "Justice Bureau by contacting the local borough Court Section concerned, or the "
            "Legal Bureau at 646-610-5400."
        ),
        "summary": (
            "The NYPD Criminal Justice Bureau has the task of reviewing federal immigration "
            "detainer requests. It consults the NYPD Legal Bureau."
        ),
        "as_of_year": 2017,
        "named_contact": (
            "NYPD Legal Bureau. The memo gives this number for NYPD officers "
            "with questions about immigration detainers"
        ),
        "named_contact_phone": "646-610-5400",
    },
    {
        "key": "fingerprints-shared",
        "source": ARTICLE_TITLE,
        "kind": "reported",
        "attribution": (
            "As reported by Patch, quoting a letter from El Grito. This is not NYPD policy."
        ),
        "quote": (
            "Every arrest produces fingerprints that are sent to federal law enforcement officials"
        ),
        "summary": FINGERPRINTS_REPORTED,
    },
    {
        "key": "broken-windows-risk",
        "source": ARTICLE_TITLE,
        "kind": "reported",
        "attribution": "As reported by Patch. This is not NYPD policy.",
        "quote": (
            "With small crimes like these on their records, undocumented immigrants are "
            "more vulnerable to deportation under Trump."
        ),
        "summary": SMALL_OFFENSES_REPORTED,
    },
    {
        "key": "ice-raids-anywhere",
        "source": ARTICLE_TITLE,
        "kind": "reported",
        "attribution": (
            "As reported by Patch, quoting Anna Law of Brooklyn College. This is not NYPD policy."
        ),
        "quote": (
            "The federal immigration authorities can conduct raids throughout our city. "
            "That can still happen."
        ),
        "summary": (
            "Anna Law of Brooklyn College told Patch that federal immigration authorities "
            "can still carry out raids anywhere in the city."
        ),
    },
]

# What earlier versions of the seed wrote. A statement that still says one of
# these was never edited by a person, so a new run may bring it up to date.
EARLIER_SEED_SUMMARIES = {
    "no-civil-enforcement": [
        "The NYPD does not enforce civil immigration law. It does not act on ICE administrative "
        "warrants. It does not arrest people only for an immigration violation, such as staying "
        "after a visa ends."
    ],
    "detainers-narrow": [
        "The NYPD holds a person for federal immigration authorities only in a few cases. A "
        "judge must have signed a warrant. The person must have been convicted of a violent or "
        "serious felony, or be on the terrorist watch list."
    ],
    "detainer-review": [
        "The NYPD Criminal Justice Bureau reviews each request from federal immigration "
        "authorities to hold a person. It does this with the NYPD Legal Bureau."
    ],
    "fingerprints-shared": [
        "After every arrest, the fingerprints are sent to federal law enforcement."
    ],
    "broken-windows-risk": [
        "Arrests for small offenses, like selling on the street or not paying the subway fare, "
        "can raise the risk of deportation for people without papers."
    ],
    "ice-raids-anywhere": [
        "Federal immigration agents can still make arrests anywhere in the city. The NYPD "
        "policy does not stop them."
    ],
}

INDEX = {
    "title": "Know your rights",
    "slug": "guides",
    "intro": (
        "Short guides about what the NYPD said it will and will not do. Each guide shows "
        "where this comes from and how old it is."
    ),
}


def _right(right, statement=None, say="", avoid="", on_card=True):
    return (
        "right",
        {"right": right, "say": say, "avoid": avoid, "statement": statement, "on_card": on_card},
    )


def _callout(heading, text, statement=None):
    return ("callout", {"heading": heading, "text": f"<p>{text}</p>", "statement": statement})


def _steps(heading, steps):
    return ("steps", {"heading": heading, "steps": steps})


ICE_IS_NOT_NYPD = _callout(
    "ICE is not the NYPD",
    "ICE agents are federal agents, not NYPD officers. The memo is about what the NYPD does. "
    "Anna Law of Brooklyn College told Patch that federal immigration authorities can still "
    "carry out raids anywhere in the city.",
    "ice-raids-anywhere",
)

# The memo's two sentences on detainers, with their conditions and groups, and no "only".
DETAINERS_RIGHT = _right(
    "The NYPD said it honors federal immigration detainers when there is a risk to public "
    "safety. It holds for federal authorities people in its custody who have been convicted "
    "of a violent or serious felony, or who are on the terrorist watch list and a judicial "
    "warrant has been issued.",
    "detainers-narrow",
)

GUIDES = [
    {
        "slug": "asking-the-police-for-help",
        "title": "Asking the police for help",
        "situation": "You are a victim of a crime, you saw a crime, or you need help.",
        "summary": (
            "You can ask the NYPD for help. The NYPD said it does not ask victims, witnesses "
            "or people who ask for help about their immigration status."
        ),
        "body": [
            _right(
                "You can ask the police for help. The NYPD said it does not ask victims, "
                "witnesses or people who ask for help about their immigration status.",
                "no-status-questions",
                say="I need help. I am a victim of a crime.",
                avoid="Do not stay silent about a crime only because you fear questions "
                "about your status.",
            ),
            _right(
                "You can show your IDNYC card as ID.",
                "idnyc-accepted",
                say="This is my IDNYC card.",
            ),
            ICE_IS_NOT_NYPD,
        ],
    },
    {
        "slug": "your-idnyc",
        "title": "Your IDNYC card",
        "situation": "The police ask for your ID, or give you a summons or a desk "
        "appearance ticket.",
        "summary": (
            "The NYPD said it accepts IDNYC as government ID. This includes summonses and "
            "desk appearance tickets."
        ),
        "body": [
            _right(
                "You can use your IDNYC card as ID with the NYPD.",
                "idnyc-accepted",
                say="This is my IDNYC card. The NYPD accepts it as government ID.",
            ),
            _steps(
                "If the police ask for ID",
                [
                    "Stay calm.",
                    "Show your IDNYC card.",
                    "If you get a summons or a desk appearance ticket, keep the paper.",
                    "Talk to a lawyer if you have questions about your case.",
                ],
            ),
            _right(
                "If you ask the police for help, the NYPD said it does not ask about your "
                "immigration status.",
                "no-status-questions",
                on_card=False,
            ),
        ],
    },
    {
        "slug": "nypd-and-ice",
        "title": "NYPD and ICE: warrants and detainers",
        "situation": "You worry that the police will hand you to immigration agents (ICE).",
        "summary": (
            "The NYPD said it does not enforce civil immigration law, including administrative "
            "warrants from ICE agents or federal immigration judges. It said it honors federal "
            "immigration detainers when there is a risk to public safety."
        ),
        "body": [
            _right(
                "The NYPD said it does not arrest or hold people for an immigration violation "
                "such as staying after a visa ends.",
                "no-civil-enforcement",
                say="Are you from the NYPD or from ICE?",
            ),
            _right(
                "The NYPD said it does not enforce administrative warrants from ICE agents or "
                "from federal immigration judges when they concern only a civil immigration "
                "violation.",
                "no-civil-enforcement",
            ),
            DETAINERS_RIGHT,
            _callout(
                "Who decides",
                "The NYPD Criminal Justice Bureau reviews federal immigration detainer "
                "requests. It consults the NYPD Legal Bureau.",
                "detainer-review",
            ),
            ICE_IS_NOT_NYPD,
        ],
    },
    {
        "slug": "if-you-are-arrested",
        "title": "If you are arrested: your fingerprints",
        "situation": "The police arrest you, even for something small.",
        "summary": (
            "El Grito, an immigrant advocacy group, wrote that every arrest produces "
            "fingerprints that are sent to federal law enforcement. Patch reported that small "
            "offenses can raise the risk of deportation for people without papers. Neither "
            "is NYPD policy."
        ),
        "body": [
            _callout("Your fingerprints", FINGERPRINTS_REPORTED, "fingerprints-shared"),
            _callout("Small arrests matter", SMALL_OFFENSES_REPORTED, "broken-windows-risk"),
            DETAINERS_RIGHT,
            _right(
                "You can use your IDNYC card as ID if you get a summons or a desk "
                "appearance ticket.",
                "idnyc-accepted",
                say="This is my IDNYC card.",
            ),
            _steps(
                "What you can do",
                [
                    "Stay calm.",
                    "Show your IDNYC card if you have one.",
                    "Talk to a lawyer about your case and your immigration status.",
                ],
            ),
        ],
    },
]
