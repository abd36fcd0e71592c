"""``ipassist generate``: generated activities and participants (see ipassist.events.generate) and
requests for assistance (ipassist.casework.generate)."""

from datetime import date

from django.core.management import BaseCommand, CommandError
from django.utils import timezone

from ipassist.casework import generate as generate_requests
from ipassist.core import audit
from ipassist.core.models import Region
from ipassist.events import generate


def _reference(value: str) -> date:
    if value == "today":
        return timezone.localdate()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--reference-date takes YYYY-MM-DD or 'today'; got {value!r}.") from None


class Command(BaseCommand):
    help = (
        "Generate activities and participants for load tests and a lived-in local register "
        "(reproducible: the same seed and reference date give the same data). Generated rows are "
        "marked; --clear removes them and nothing else."
    )

    def add_arguments(self, parser):
        parser.add_argument("--activities", type=int, default=0, help="activities to generate")
        parser.add_argument(
            "--participants", type=int, default=0, help="participants in all, spread over the activities"
        )
        parser.add_argument(
            "--requests", type=int, default=0, help="requests for assistance, with their timelines"
        )
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument(
            "--reference-date",
            default=generate.REFERENCE_DATE.isoformat(),
            help="the day dates are counted from: past activities end before it, upcoming ones start "
            f"after it (YYYY-MM-DD or 'today'; default {generate.REFERENCE_DATE.isoformat()}, so that "
            "a seed always gives the same data)",
        )
        parser.add_argument(
            "--clear", action="store_true", help="first remove every previously generated row"
        )
        parser.add_argument(
            "--once",
            action="store_true",
            help="do nothing if generated rows exist already (for `make run`)",
        )

    def handle(self, *args, activities, participants, requests, seed, reference_date, clear, once, **options):
        if activities < 0 or participants < 0 or requests < 0:
            raise CommandError("--activities, --participants and --requests cannot be negative.")
        if participants and not activities:
            raise CommandError("Participants need activities: give --activities too.")
        if not activities and not requests and not clear:
            raise CommandError(
                "Nothing to do: give --activities (and --participants), --requests, or --clear."
            )
        reference = _reference(reference_date)
        if once and (generate.has_generated() or generate_requests.has_generated()):
            self.stdout.write("Generated rows are there already; nothing generated (--once).")
            return
        if clear:
            removed = {**generate.clear(), "requests": generate_requests.clear()}
            audit.record(None, "events.generated_cleared", **removed)
            self.stdout.write(
                f"Removed {removed['activities']:,} generated activities, {removed['participants']:,} "
                f"participants, {removed['series']:,} series, {removed['organisations']:,} organisations "
                f"and {removed['requests']:,} requests."
            )
        if requests:
            try:
                made = generate_requests.generate_requests(count=requests, seed=seed, reference=reference)
            except LookupError as exc:
                raise CommandError(str(exc)) from None
            audit.record(
                None, "casework.generated", requests=made, seed=seed, reference_date=reference.isoformat()
            )
            self.stdout.write(f"Generated {made:,} requests for assistance with their timelines.")
        if not activities:
            return
        verbose = options["verbosity"] > 1 or activities >= 10 * generate.CHUNK
        try:
            result = generate.generate(
                activities=activities,
                participants=participants,
                seed=seed,
                reference=reference,
                progress=self.stdout.write if verbose else None,
            )
        except LookupError as exc:
            raise CommandError(str(exc)) from None
        audit.record(
            None,
            "events.generated",
            activities=result.activities,
            participants=result.participants,
            seed=seed,
            reference_date=reference.isoformat(),
        )
        self.stdout.write(
            f"Generated {result.summary()}; {len(result.countries)} participant countries; "
            f"seed {seed}, reference date {reference.isoformat()}."
        )
        names = dict(Region.objects.values_list("code", "name_en"))
        spread = ", ".join(
            f"{names.get(code, code) if code else 'online only'} {n:,}"
            for code, n in result.regions.most_common()
        )
        self.stdout.write(f"Activities by region: {spread}.")
