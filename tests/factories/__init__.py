"""factory-boy factories for the tests, one module per app, with traits
(as foundation.mozilla.org and pressfreedomtracker.us do): `site` (locales,
home, alert and guide indexes), `users` (people in the admin's roles),
`advocacy` (areas, topics, subscribers, alert pages and their approval),
`know_your_rights` (sources, statements, hotlines, guide pages and bodies).

Page factories put a page under its index in the site tree
(`site.build_site_tree`, also the `site_tree` fixture) unless given `parent`.
"""
