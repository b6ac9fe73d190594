from django.core.management.base import BaseCommand

from cms.demo import build_demo_notifications, build_demo_pages
from lms.demo import placements as lms_demo_placements
from lms.demo import practice as demo_practice
from lms.demo import programme as lms_demo
from talent.demo import certification as demo_hr
from talent.demo import people as talent_demo
from talent.demo import placements as talent_demo_placements


class Command(BaseCommand):
    help = "Load (or top up) the demo district, people, logins and site pages. Idempotent."

    def handle(self, *args, **options):
        build_demo_pages()
        talent_demo.build()
        demo_practice.build()
        demo_hr.build()
        talent_demo_placements.build()
        lms_demo_placements.build()
        build_demo_notifications()
        lms_demo.build()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready. Logins (password for all: {talent_demo.DEMO_PASSWORD}):"
            )
        )
        for login in talent_demo.DEMO_LOGINS:
            self.stdout.write(f"  {login.username:<10} {login.description}")
