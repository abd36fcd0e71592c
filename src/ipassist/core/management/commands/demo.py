from django.conf import settings
from django.core.management import BaseCommand, CommandError

from ipassist.casework.demo import load_requests
from ipassist.catalogue.demo import load_programmes
from ipassist.core import audit
from ipassist.core.demo import DEMO_PASSWORD, load_organisations_and_users, load_vocabularies
from ipassist.core.reference import sync_reference
from ipassist.events.demo import load_activities


class Command(BaseCommand):
    help = "Load reference data (countries, regions) and the demo data set. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Load demo users even with DEBUG off (never on a real site).",
        )

    def handle(self, *args, allow_production=False, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "Demo data creates users with a published password; "
                "run it with DEBUG=1, or pass --allow-production."
            )
        counts = sync_reference()
        changed = load_vocabularies()
        org_changes, logins = load_organisations_and_users()
        changed += org_changes + load_programmes() + load_requests() + load_activities()
        if changed:
            audit.record(None, "demo.loaded", changes=changed)
        self.stdout.write(
            f"Reference data: {counts['countries']} countries, {counts['regions']} UN M49 regions. "
            f"Demo data: {changed} change(s)."
        )
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD})")
        for row in logins:
            self.stdout.write(f"  {row['persona']:<22} {row['email']:<30} {row['organisation']}")
