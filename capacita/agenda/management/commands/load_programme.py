from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from capacita.agenda.programme_file import (
    ProgrammeFileError,
    load_programme,
    read_programme_file,
)


class Command(BaseCommand):
    help = "Load or update a programme from its YAML file (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the programme file (see docs/programme-file.md)")
        parser.add_argument(
            "--dry-run", action="store_true", help="check the file and save nothing"
        )

    def handle(self, *args, file, dry_run, **options):
        try:
            spec = read_programme_file(file)
        except ProgrammeFileError as exc:
            for error in exc.errors:
                self.stderr.write(f"{file}: {error}")
            raise CommandError(f"{len(exc.errors)} mistake(s) found; nothing was saved.") from exc
        with transaction.atomic():
            programme = load_programme(spec)
            summary = (
                f"{programme.slug}: {programme.sessions.count()} sessions, "
                f"{sum(s.items.count() for s in programme.sessions.all())} agenda items, "
                f"{programme.courses.count()} courses, "
                f"{programme.member_countries.count()} countries"
            )
            if dry_run:
                transaction.set_rollback(True)
        if dry_run:
            self.stdout.write(f"The file is correct (nothing saved): {summary}.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Loaded {summary}."))
