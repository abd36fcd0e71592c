"""Two officers save conflicting edits of one request at the same moment, in two real
transactions on two database connections. Run by test_concurrency.py in a subprocess against a
fresh database named by DATABASE_URL; prints one JSON line with what each editor was told.

The first editor to take the row lock holds it a moment after its revision check, so the second
edit is certain to arrive while the first transaction is still open.
"""

import json
import os
import threading
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connections  # noqa: E402
from django.utils import timezone  # noqa: E402

from ipassist.casework import services  # noqa: E402
from ipassist.casework.models import AssistanceRequest  # noqa: E402
from ipassist.core.concurrency import StaleEdit  # noqa: E402
from ipassist.core.models import Membership, Organisation, User  # noqa: E402


def setup() -> tuple[AssistanceRequest, list[User]]:
    call_command("migrate", verbosity=0)
    provider = Organisation.objects.create(
        slug="provider", kind=Organisation.Kind.PROVIDER, name_en="Provider"
    )
    state = Organisation.objects.create(slug="state", kind=Organisation.Kind.GOVERNMENT, name_en="State")
    officers = []
    for email in ("first@example.org", "second@example.org"):
        user = User.objects.create_user(email, "x", full_name=email.split("@")[0])
        Membership.objects.create(user=user, organisation=provider, role=Membership.Role.OFFICER)
        officers.append(user)
    case = AssistanceRequest.objects.create(
        reference="2026-00001",
        provider=provider,
        requester=state,
        kind=AssistanceRequest.Kind.LEGISLATIVE,
        title="Original subject",
        institution="Ministry of Justice",
        description="Original description",
        state=AssistanceRequest.State.SUBMITTED,
        submitted_at=timezone.now(),
    )
    return case, officers


def main() -> None:
    case, officers = setup()
    check_revision = services.check_revision
    first_commit_at: list[float] = []

    def slow_check(*args, **kwargs):
        check_revision(*args, **kwargs)
        time.sleep(0.5)  # still inside the winner's transaction, holding the lock

    services.check_revision = slow_check
    barrier = threading.Barrier(2)
    results: dict[str, dict] = {}

    def edit(user: User, title: str) -> None:
        try:
            barrier.wait()
            started = time.monotonic()
            fresh = AssistanceRequest.objects.get(pk=case.pk)
            services.request_update(case=fresh, by=user, expected_revision=1, data={"title": title})
            first_commit_at.append(time.monotonic())
            results[user.email] = {"outcome": "saved", "started": started}
        except StaleEdit as stale:
            results[user.email] = {
                "outcome": "stale",
                "started": started,
                "current_revision": stale.current_revision,
                "changes": [{"by": c["by"], "fields": c["fields"]} for c in stale.changes],
            }
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=edit, args=(officer, f"Subject by {officer.full_name}"))
        for officer in officers
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    final = AssistanceRequest.objects.get(pk=case.pk)
    print(
        json.dumps(
            {
                "vendor": connections["default"].vendor,
                "results": results,
                "first_commit_at": first_commit_at[0] if first_commit_at else None,
                "final": {"title": final.title, "revision": final.revision},
            }
        )
    )


if __name__ == "__main__":
    main()
