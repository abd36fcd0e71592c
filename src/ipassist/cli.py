"""The ``ipassist`` command line.

ipassist serve [--bind HOST:PORT] [--workers N]   run the web application under gunicorn
ipassist demo                                     load reference and demo data (idempotent)
ipassist migrate                                  apply database migrations
ipassist <any Django management command>         e.g. ipassist check --deploy
"""

from __future__ import annotations

import argparse
import os
import sys


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipassist.settings")
    import django

    django.setup()


def serve(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="ipassist serve", description="Run ipassist under gunicorn.")
    parser.add_argument("--bind", default=os.environ.get("IPASSIST_BIND", "127.0.0.1:8000"))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
    parser.add_argument("--timeout", type=int, default=60)
    args = parser.parse_args(argv)
    _setup()
    from django.conf import settings
    from django.core.management import call_command

    if not settings.DEBUG:
        # The manifest storage needs collected files; collecting is quick when nothing changed.
        call_command("collectstatic", interactive=False, verbosity=0)
    from gunicorn.app.wsgiapp import run

    sys.argv = [
        "gunicorn",
        "ipassist.wsgi:application",
        "--bind",
        args.bind,
        "--workers",
        str(args.workers),
        "--timeout",
        str(args.timeout),
        "--access-logfile",
        "-",
    ]
    run()
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(__doc__)
        return 0
    if argv[0] == "serve":
        return serve(argv[1:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ipassist.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["ipassist", *argv])
    return 0


if __name__ == "__main__":
    sys.exit(main())
