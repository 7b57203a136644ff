"""The board's exports made by the task worker (`capacita.jobs`) for programmes of
thousands: each for its asker, with what they may see and chose (a country, a status)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy

from capacita.jobs.kinds import JobKind, Made, register
from capacita.programmes import permissions

from .exports import board_csv, board_xlsx
from .selectors import board, board_scope

BOARD = {"xlsx": "board-xlsx", "csv": "board-csv"}


def _board(fmt: str):
    def make(job, progress) -> Made:
        progress(0, None)
        programme = job.programme
        countries, status = board_scope(
            job.requested_by, programme, job.params.get("country", ""), job.params.get("status", "")
        )
        rows = board(programme, countries, status)
        body = (board_xlsx if fmt == "xlsx" else board_csv)(programme, rows)
        return Made.of(body, f"{programme.slug}-board.{fmt}")

    return make


def _allows(user, programme, params) -> bool:
    try:
        board_scope(user, programme, params.get("country", ""), params.get("status", ""))
    except PermissionDenied:
        return False
    return True


def register_kinds() -> None:
    for fmt, title in (
        ("xlsx", gettext_lazy("The board as a workbook")),
        ("csv", gettext_lazy("The board as a CSV file")),
    ):
        register(
            JobKind(
                code=BOARD[fmt],
                title=title,
                explanation=gettext_lazy(
                    "Every participant you follow, with each session and course and what they "
                    "still need, as the board stands when the file is made."
                ),
                button=gettext_lazy("Make the file"),
                may=permissions.can_see_board,
                page="progress:board",
                page_title=gettext_lazy("Participants' progress"),
                make=_board(fmt),
                params=("country", "status"),
                personal=True,
                allows=_allows,
            )
        )
