"""The one kind of error a person is shown: a refusal that says why in their language.

Services raise a subclass of `UserError` named for their domain (`NominationError`,
`UploadError`…); views show `message`, and `problems` where there are several things to fix
(rows of a file, questions of a test), one line each. Nothing is saved when one is raised:
each service does its writes in one transaction.
"""

from __future__ import annotations


class UserError(Exception):
    """A refusal to show a person: `message` says why in the active language; `problems`
    lists what to fix, one line each, when there are several."""

    def __init__(self, message: str, problems: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.problems = list(problems or [])
