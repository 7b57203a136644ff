import time

from django.core.management.base import BaseCommand, CommandError

from capacita.development.scale import (
    MANAGER_EMAIL,
    SCALE_PASSWORD,
    ScaleError,
    default_programmes,
    focal_point_email,
    participant_email,
    seed_scale,
)


class Command(BaseCommand):
    help = (
        "Create generated programmes (slugs scale-001…) with N participants in all, with "
        "nominations, attendance, completions, test answers and certificates; for measuring."
    )

    def add_arguments(self, parser):
        parser.add_argument("--participants", type=int, required=True, help="participants in all")
        parser.add_argument(
            "--programmes",
            type=int,
            help="how many programmes to spread them over (default: one per thousand)",
        )
        parser.add_argument("--seed", type=int, default=2021, help="random seed")

    def handle(self, *args, participants, programmes, seed, verbosity, **options):
        programmes = programmes or default_programmes(participants)
        started = time.perf_counter()

        def progress(message):
            if verbosity > 1:
                self.stdout.write(message)

        try:
            counts = seed_scale(participants, programmes, seed=seed, progress=progress)
        except ScaleError as error:
            raise CommandError(str(error)) from error
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"{counts.programmes} programmes, {counts.participants} participants in "
                f"{elapsed:.0f} s"
            )
        )
        for name in (
            "nominations",
            "attendance",
            "completions",
            "responses",
            "answers",
            "certificates",
            "audit_events",
        ):
            self.stdout.write(f"  {name.replace('_', ' ')}: {getattr(counts, name)}")
        self.stdout.write(f"Logins (password for all: {SCALE_PASSWORD}):")
        self.stdout.write(f"  manager      {MANAGER_EMAIL}")
        self.stdout.write(f"  focal point  {focal_point_email('MX')} (one per country)")
        self.stdout.write(
            f"  participant  {participant_email(1)} … {participant_email(participants)}"
        )
