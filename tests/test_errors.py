"""One kind of error a person is shown (`capacita/shared/errors.py`): every error class the
application defines is a `UserError`, with its message in the person's language, and the
few that are not say why here."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from django.utils import translation

import capacita
from capacita.shared.errors import UserError

# Errors that never reach a person, each with its reason.
NOT_SHOWN = {
    # Benchmark tooling's own refusal, printed on a developer's terminal.
    "capacita.development.scale.ScaleError",
}


def application_modules():
    for module in pkgutil.walk_packages(capacita.__path__, "capacita."):
        if ".migrations." in module.name or module.name.endswith((".wsgi", ".__main__")):
            continue
        yield importlib.import_module(module.name)


def error_classes():
    for module in application_modules():
        for name, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, Exception)
                and value.__module__ == module.__name__
                and name.endswith("Error")
            ):
                yield f"{module.__name__}.{name}", value


def test_every_error_the_application_defines_is_a_user_error():
    found = dict(error_classes())
    assert len(found) >= 15, sorted(found)
    others = {name for name, cls in found.items() if not issubclass(cls, UserError)}
    assert others <= NOT_SHOWN, sorted(others - NOT_SHOWN)


@pytest.mark.parametrize("language", ["es", "en"])
def test_a_user_error_keeps_its_message_and_problems(language):
    from capacita.agenda.programme_file import ProgrammeFileError
    from capacita.nominations.services import NominationError

    with translation.override(language):
        error = NominationError("mensaje")
        assert (error.message, error.problems, str(error)) == ("mensaje", [], "mensaje")
        file_error = ProgrammeFileError(["slug: falta", "title: falta"])
        assert file_error.problems == file_error.errors == ["slug: falta", "title: falta"]
        assert file_error.message == "slug: falta\ntitle: falta"
