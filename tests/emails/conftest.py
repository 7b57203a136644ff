"""A real SMTP server on loopback, and the real database worker, for the e-mail tests."""

from __future__ import annotations

import signal

import pytest
from django.core.management import call_command

from .smtp import CollectingHandler, start_server


def _serve(settings, handler: CollectingHandler):
    controller = start_server(handler)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 10
    return controller


@pytest.fixture
def smtp_server(settings):
    """An SMTP server on 127.0.0.1 that accepts everything; the settings point at it."""
    handler = CollectingHandler()
    controller = _serve(settings, handler)
    yield handler
    controller.stop()


@pytest.fixture
def refusing_smtp_server(settings):
    """An SMTP server on 127.0.0.1 that refuses every recipient with a 550."""
    handler = CollectingHandler(refuse="550 5.1.1 Mailbox unavailable")
    controller = _serve(settings, handler)
    yield handler
    controller.stop()


@pytest.fixture
def run_worker():
    """Run `capacita db_worker` until no task is due, as the deployed worker would.

    The worker needs committed rows: use it in `django_db(transaction=True)` tests.
    It installs its own SIGINT/SIGTERM handlers; they are put back afterwards.
    """

    def run():
        signals = (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)
        handlers = {sig: signal.getsignal(sig) for sig in signals}
        try:
            call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
        finally:
            for sig, handler in handlers.items():
                signal.signal(sig, handler)

    return run
