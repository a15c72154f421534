"""Remove a user's second factors after a lost phone; they enrol again at next sign-in."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from cms import two_factor


class Command(BaseCommand):
    help = (
        "Remove USERNAME's authenticator and recovery codes, so they set up two-step sign-in again."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist:
            raise CommandError(f"No user named {username!r}.") from None
        removed = two_factor.reset(user)
        self.stdout.write(
            f"Removed {removed} second-factor record(s) for {username}. They will set up two-step sign-in at next sign-in."
        )
