"""The agenda as a viewer sees it: every time in their zone, the programme's zone beside it."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.db.models import Prefetch

from .models import AgendaItem, AgendaParticipant, VirtualSession
from .timezones import utc_offset_label


@dataclass(frozen=True)
class Moment:
    """One instant shown in the viewer's zone and in the programme's zone."""

    utc: dt.datetime
    viewer: dt.datetime
    programme: dt.datetime

    @property
    def other_day(self) -> bool:
        """True when the viewer's calendar day differs from the programme's."""
        return self.viewer.date() != self.programme.date()


@dataclass(frozen=True)
class ItemView:
    item: AgendaItem
    start: Moment
    end: Moment | None

    @property
    def other_day(self) -> bool:
        return self.start.other_day or bool(self.end and self.end.other_day)


@dataclass(frozen=True)
class SessionView:
    session: VirtualSession
    start: Moment
    end: Moment
    items: list[ItemView]
    viewer_offset: str
    programme_offset: str


def _moment(value: dt.datetime, viewer: zoneinfo.ZoneInfo, programme: zoneinfo.ZoneInfo):
    return Moment(utc=value, viewer=value.astimezone(viewer), programme=value.astimezone(programme))


def sessions_with_agenda(programme):
    """The programme's sessions with their items and named people, in a fixed number of queries."""
    return programme.sessions.prefetch_related(
        Prefetch(
            "items",
            queryset=AgendaItem.objects.prefetch_related(
                Prefetch(
                    "participants",
                    queryset=AgendaParticipant.objects.select_related("person"),
                )
            ),
        )
    )


def agenda_for_viewer(programme, viewer_zone: zoneinfo.ZoneInfo) -> list[SessionView]:
    programme_zone = programme.zone
    views = []
    for session in sessions_with_agenda(programme):
        views.append(
            SessionView(
                session=session,
                start=_moment(session.starts_at, viewer_zone, programme_zone),
                end=_moment(session.ends_at, viewer_zone, programme_zone),
                items=[
                    ItemView(
                        item=item,
                        start=_moment(item.starts_at, viewer_zone, programme_zone),
                        end=_moment(item.ends_at, viewer_zone, programme_zone)
                        if item.ends_at
                        else None,
                    )
                    for item in session.items.all()
                ],
                viewer_offset=utc_offset_label(session.starts_at, viewer_zone),
                programme_offset=utc_offset_label(session.starts_at, programme_zone),
            )
        )
    return views


def agenda_items_of(user, programme):
    """The agenda items `user` facilitates or speaks in, through their person in the
    programme (a manager links an account to a name of the agenda)."""
    if not user.is_authenticated:
        return AgendaItem.objects.none()
    return AgendaItem.objects.filter(
        session__programme=programme, participants__person__user=user
    ).distinct()
