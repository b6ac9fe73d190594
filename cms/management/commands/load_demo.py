from django.core.management.base import BaseCommand

from cms import demo as cms_demo
from lms import demo as lms_demo
from talent import demo as talent_demo


class Command(BaseCommand):
    help = "Load (or top up) the demo district, people, logins and site pages. Idempotent."

    def handle(self, *args, **options):
        # One build() per app, in the import direction's reverse: talent's people first,
        # then the programme that refers to them, then the site and its pages. The site's
        # home page is made first because lms pages (courses, salon calendar) hang under it.
        cms_demo.ensure_site()
        talent_demo.build()
        lms_demo.build()
        cms_demo.build()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready. Logins (password for all: {talent_demo.DEMO_PASSWORD}):"
            )
        )
        for login in talent_demo.DEMO_LOGINS:
            self.stdout.write(f"  {login.username:<10} {login.description}")
