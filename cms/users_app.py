"""Wagtail's users app with Faro's users list (see ``cms.users``).

Listed in INSTALLED_APPS in place of ``wagtail.users``, as Wagtail documents
for a custom user viewset. Kept apart from ``cms.apps``: Django picks an
app's configuration from its ``apps`` module only when it holds one.
"""

from wagtail.users.apps import WagtailUsersAppConfig


class FaroUsersConfig(WagtailUsersAppConfig):
    user_viewset = "cms.users.UserViewSet"
