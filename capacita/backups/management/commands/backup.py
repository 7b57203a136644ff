from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from capacita.backups.services import BackupError, backup


def human_size(size: int) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return str(size)


class Command(BaseCommand):
    help = (
        "Back up the whole database into one file. SQLite: an online, consistent copy, safe "
        "while the server and the task worker run. PostgreSQL: pg_dump in custom format "
        "(the client tools must be installed). Put it back with `capacita restore`."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the backup file to write (replaced if it exists)")

    def handle(self, *args, file, **options):
        try:
            summary = backup(file)
        except BackupError as error:
            raise CommandError(str(error)) from error
        detail = f", {summary.counts}" if summary.counts else ""
        self.stdout.write(
            f"Backed up the {connection.vendor} database “{connection.settings_dict['NAME']}” "
            f"to {summary.path} ({human_size(summary.size)}{detail})."
        )
