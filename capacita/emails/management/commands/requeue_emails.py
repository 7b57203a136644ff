from django.core.management.base import BaseCommand
from django.db.models import Q
from django.utils import timezone

from capacita.emails.models import OutgoingEmail
from capacita.emails.tasks import deliver_email


class Command(BaseCommand):
    help = (
        "Enqueue again the e-mails still queued whose attempt is due, e.g. after a worker died "
        "while sending. Safe to run often (from cron): an e-mail is never sent twice."
    )

    def handle(self, *args, **options):
        due = OutgoingEmail.objects.filter(status=OutgoingEmail.Status.QUEUED).filter(
            Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=timezone.now())
        )
        count = 0
        for email_id in due.values_list("pk", flat=True).iterator():
            deliver_email.enqueue(email_id)
            count += 1
        self.stdout.write(f"{count} queued e-mail(s) enqueued again.")
