"""The kinds of long work a manager can ask for (a file at scale, issuing certificates).

Each app registers its own kinds when it is ready (`register`, from its `AppConfig.ready`):
this app knows nothing of certificates or balances, only that a kind has a title, a rule of
who may ask for it, the page it belongs to, and a function that does the work and reports its
progress."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

# What a kind's `make` returns: a file (its path, removed after it is stored, and the name a
# download gets), or figures that `describe` puts in words, or both.


@dataclass
class Made:
    path: Path | None = None
    file_name: str = ""
    outcome: dict = field(default_factory=dict)

    @classmethod
    def of(cls, content: bytes, file_name: str) -> Made:
        """A file made in memory, written to a temporary file for the job to store."""
        suffix = Path(file_name).suffix
        with tempfile.NamedTemporaryFile(suffix=suffix, delete=False) as handle:
            handle.write(content)
        return cls(path=Path(handle.name), file_name=file_name)


# `progress(done, total)`: how far the work is; `total` may be None while it is not known.
Progress = Callable[[int, int | None], None]


@dataclass(frozen=True)
class JobKind:
    code: str
    title: object  # a lazy translation: "Every certificate as one ZIP file"
    explanation: object  # what the start page says it does
    button: object  # the start button's words: "Make the file"
    may: Callable  # may(user, programme) -> bool, a rule of capacita.programmes.permissions
    page: str  # the URL name (with the programme's slug) of the page the work belongs to
    page_title: object  # that page's title, for the way back: "Certificates"
    make: Callable  # make(job, progress: Progress) -> Made
    describe: Callable = lambda outcome: ""  # the outcome in words, in the active language
    # The choices an asker may make (query parameters of the page that leads here: a
    # country, a status), each kept to `PARAM_LIMIT` characters.
    params: tuple[str, ...] = ()
    # Made for its asker alone (what they may see of the programme, as the board for a
    # focal point): only they reach the job and its file.
    personal: bool = False
    # allows(user, programme, params) -> bool: whether those choices are the asker's to make
    # (a focal point asks for their own country's board only).
    allows: Callable = lambda user, programme, params: True
    # chosen(programme, params) -> str: those choices in words, shown under the title (the
    # country whose report is made); "" when there is nothing to say.
    chosen: Callable = lambda programme, params: ""


PARAM_LIMIT = 20


def chosen_params(kind: JobKind, data) -> dict[str, str]:
    """The kind's choices found in `data` (a QueryDict or a dict), non-empty, cut short."""
    chosen = {}
    for name in kind.params:
        value = str(data.get(name, "") or "")[:PARAM_LIMIT]
        if value:
            chosen[name] = value
    return chosen


REGISTRY: dict[str, JobKind] = {}


def register(kind: JobKind) -> None:
    REGISTRY[kind.code] = kind


def kind_of(code: str) -> JobKind | None:
    return REGISTRY.get(code)
