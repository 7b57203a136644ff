from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from capacita.backups.services import BackupError, check_backup, migration_state, restore


class Command(BaseCommand):
    help = (
        "Replace the whole database with a backup written by `capacita backup`. Everything "
        "recorded since that backup is lost, so it asks for --yes. Stop the server and the "
        "task worker first."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="a backup written by `capacita backup`")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="really replace the current database with the backup",
        )

    def handle(self, *args, file, yes, **options):
        name = connection.settings_dict["NAME"]
        try:
            check_backup(file)
        except BackupError as error:
            raise CommandError(str(error)) from error
        if not yes:
            raise CommandError(
                f"Restoring replaces everything in the {connection.vendor} database “{name}” "
                f"with the backup {file}; nothing was changed. Run again with --yes to do it."
            )
        try:
            summary = restore(file)
        except BackupError as error:
            raise CommandError(str(error)) from error
        detail = f" ({summary.counts})" if summary.counts else ""
        self.stdout.write(
            f"Restored {summary.path} into the {connection.vendor} database “{name}”{detail}."
        )
        state = migration_state()
        if state.unknown:
            raise CommandError(
                "The backup was made by a newer version of Capacita: its database has "
                f"migrations this version does not have ({', '.join(state.unknown)}). "
                "Install that version (or a newer one) before serving this database."
            )
        if state.pending:
            self.stdout.write(
                f"The backup is older than this version ({len(state.pending)} migrations not "
                "applied): run `capacita migrate` before serving it."
            )
        else:
            self.stdout.write("Its migrations match this version of Capacita.")
