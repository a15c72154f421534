"""The editorial side end to end, in Chromium, as the people who use it (issue 10, point 6).

The steps are split over this package's modules along the journey's parts
(test_1_team, test_2_guide, test_3_alert, test_4_refusals, test_5_sending),
which run in that order and share one `journey` (package scope, in conftest).


One site of the package's own (`journey_site`: a copy of the seeded
database, gunicorn, a Celery worker, an SMTP server in this process) and one
browser context per person, signed in once for the whole journey. The steps
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
