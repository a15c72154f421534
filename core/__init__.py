"""Faro's bottom layer: what every app may use and that imports no app.

Language facts, editorial roles, the API's base pieces (pagination, the error
envelope, throttling, language choice), the client address and rate limits,
and the rich-text features editors may use. Nothing here imports ``cms``,
``advocacy`` or ``know_your_rights`` (import-linter checks it in CI).
"""
