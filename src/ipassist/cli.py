"""The ``ipassist`` command line.

ipassist serve [--bind HOST:PORT] [--workers N] [--no-task-worker]
                                                  run the web application under gunicorn, with a
                                                  background-task worker beside it
ipassist demo                                     load reference and demo data (idempotent)
ipassist migrate                                  apply database migrations
ipassist generate --activities N --participants M --seed S [--clear]
                                                  reproducible generated activities and participants
ipassist export_iati [-o FILE] [--validate] [--year Y] [--country CC]
                                                  IATI 2.03 activity XML of the public register (open
                                                  data); --validate checks it against the schema
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
    parser.add_argument(
        "--no-task-worker",
        action="store_true",
        help="do not start a background-task worker (run `ipassist db_worker` separately)",
    )
    args = parser.parse_args(argv)
    _setup()
    from django.conf import settings
    from django.core.management import call_command

    if not settings.DEBUG:
        # The manifest storage needs collected files; collecting is quick when nothing changed.
        call_command("collectstatic", interactive=False, verbosity=0)
    if not args.no_task_worker and settings.TASKS["default"]["BACKEND"].startswith("django_tasks_db."):
        _start_task_worker()
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


def _start_task_worker() -> None:
    """E-mails and text extraction run as background tasks; one worker process runs them beside
    the web server, and stops with it. At scale, run `ipassist db_worker` processes separately."""
    import atexit
    import subprocess

    worker = subprocess.Popen(
        [sys.executable, "-m", "ipassist.cli", "db_worker", "--no-reload", "--interval", "2"]
    )
    owner = os.getpid()

    def stop() -> None:
        # gunicorn forks web workers that inherit this hook; only the process that started it stops it
        if os.getpid() == owner:
            worker.terminate()

    atexit.register(stop)


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
