"""manage.py kannel_config: print the kannel.conf groups for this Faro."""

from django.core.management.base import BaseCommand, CommandError

from advocacy.sms.kannel_config import KannelConfigRefused, from_settings


class Command(BaseCommand):
    help = (
        "Print Kannel's sendsms-user and sms-service groups (and the DLR URL Faro sends) "
        "for this Faro's SMS_URL, SMS_FROM, SITE_URL and SMS_CALLBACK_SECRET."
    )

    def handle(self, *args, **options):
        try:
            self.stdout.write(from_settings(), ending="")
        except KannelConfigRefused as refusal:
            raise CommandError(refusal.message, returncode=1) from None
