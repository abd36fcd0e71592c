"""Two people race for the last place, in two real transactions on two database connections.

Run by test_races.py in a subprocess against a fresh database named by DATABASE_URL; prints one
JSON line with the outcome of each race:
- ``quota``: two focal points of one state nominate at the same moment for its last nomination;
- ``seat``: two officers approve two registrations at the same moment for the last seat.
Whoever takes the lock first holds it a moment after counting, so the other is certain to arrive
while the first transaction is still open.
"""

import json
import os
import threading
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django

django.setup()

from datetime import timedelta  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connections  # noqa: E402
from django.utils import timezone  # noqa: E402

from ipassist.core.demo import load_vocabularies  # noqa: E402
from ipassist.core.models import (  # noqa: E402
    ActivityType,
    Country,
    Membership,
    Organisation,
    ProfessionalBackground,
    User,
)
from ipassist.core.reference import sync_reference  # noqa: E402
from ipassist.events import services  # noqa: E402
from ipassist.events.models import Activity, Invitation, Participant  # noqa: E402
from ipassist.events.services import RegistrationRefused  # noqa: E402


def person(n: int) -> dict:
    return {
        "given_name": f"Given{n}",
        "family_name": f"Family{n}",
        "email": f"person{n}@example.org",
        "organisation_name": "High Court",
        "country": Country.objects.get(code="KE"),
        "background": ProfessionalBackground.objects.get(code="judge"),
        "position": "Judge",
        "gender": "",
    }


def race(worker, arguments) -> list:
    barrier = threading.Barrier(len(arguments))
    outcomes = []

    def run(arg):
        try:
            barrier.wait()
            outcomes.append(worker(arg))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(arg,)) for arg in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def slowly(function):
    def wrapper(*args, **kwargs):
        result = function(*args, **kwargs)
        time.sleep(0.4)  # still inside the transaction that holds the lock
        return result

    return wrapper


def main() -> None:
    call_command("migrate", verbosity=0)
    sync_reference()
    load_vocabularies()
    provider = Organisation.objects.create(
        slug="provider", kind=Organisation.Kind.PROVIDER, name_en="Provider"
    )
    state = Organisation.objects.create(
        slug="state", kind=Organisation.Kind.GOVERNMENT, name_en="State", country_id="KE"
    )
    officers, focal_points = [], []
    for n in range(2):
        officer = User.objects.create_user(f"officer{n}@example.org", "x", full_name=f"Officer {n}")
        Membership.objects.create(user=officer, organisation=provider, role=Membership.Role.OFFICER)
        officers.append(officer)
        focal = User.objects.create_user(f"focal{n}@example.org", "x", full_name=f"Focal {n}")
        Membership.objects.create(user=focal, organisation=state, role=Membership.Role.FOCAL_POINT)
        focal_points.append(focal)
    start = timezone.localdate() + timedelta(days=20)
    activity = Activity.objects.create(
        title_en="Race",
        kind=ActivityType.objects.get(code="workshop"),
        level=Activity.Level.NATIONAL,
        status=Activity.Status.ANNOUNCED,
        start_date=start,
        end_date=start,
        city="Nairobi",
        country_id="KE",
        provider=provider,
        capacity=1,
    )
    invitation = Invitation.objects.create(activity=activity, organisation=state, quota=1)

    services._create_participant = slowly(services._create_participant)

    def nominate(args):
        n, user = args
        try:
            services.participant_nominate(activity=activity, invitation=invitation, by=user, data=person(n))
        except RegistrationRefused:
            return "refused"
        return "nominated"

    quota = race(nominate, [(1, focal_points[0]), (2, focal_points[1])])

    # The seat race: two pending registrations, capacity 1, two officers approve at once.
    pending = [
        Participant.objects.get(activity=activity),
        services.participant_add(activity=activity, by=officers[0], data=person(3)),
    ]
    services._approved_count = slowly(services._approved_count)

    def approve(args):
        participant, user = args
        return services.participant_decide(participant=participant, by=user, action="approve").status

    seat = race(approve, list(zip(pending, officers, strict=True)))
    print(
        json.dumps(
            {
                "vendor": connections["default"].vendor,
                "quota": sorted(quota),
                "nominations": Participant.objects.filter(invitation=invitation).count(),
                "seat": sorted(seat),
                "approved": Participant.objects.filter(activity=activity, status="approved").count(),
            }
        )
    )


if __name__ == "__main__":
    main()
