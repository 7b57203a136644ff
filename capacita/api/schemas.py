"""What the API's answers and requests look like (the OpenAPI description is made from them)."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from capacita.nominations.verdicts import MAX_LENGTHS


class Problem(Schema):
    detail: str


class Invalid(Schema):
    detail: list


# No NUL character: no database keeps one in a text.
TEXT = r"^[^\x00]*$"


class ProgrammeOut(Schema):
    slug: str
    title: str
    start_date: dt.date
    end_date: dt.date
    time_zone: str


class ItemOut(Schema):
    kind: str
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime | None
    to_be_confirmed: bool


class SessionOut(Schema):
    number: int
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    items: list[ItemOut]


class AgendaOut(Schema):
    programme: ProgrammeOut
    time_zone: str = Field(description="The zone every time of this answer is written in.")
    sessions: list[SessionOut]


class NominationOut(Schema):
    id: int
    first_name: str
    last_name: str
    email: str
    position: str
    institution: str
    profile: str
    gender: str
    language: str
    status: str
    submitted_at: dt.datetime


class NominationRow(Schema):
    first_name: str = Field("", max_length=MAX_LENGTHS["first_name"], pattern=TEXT)
    last_name: str = Field("", max_length=MAX_LENGTHS["last_name"], pattern=TEXT)
    position: str = Field("", max_length=MAX_LENGTHS["position"], pattern=TEXT)
    institution: str = Field("", max_length=MAX_LENGTHS["institution"], pattern=TEXT)
    email: str = Field("", max_length=MAX_LENGTHS["email"], pattern=TEXT)
    profile: str = Field("", max_length=MAX_LENGTHS["profile_other"], pattern=TEXT)
    gender: str = Field("", max_length=40, pattern=TEXT)
    language: str = Field("", max_length=20, pattern=TEXT)


class NominationsIn(Schema):
    rows: list[NominationRow] = Field(..., max_length=5000)
    dry_run: bool = Field(True, description="True (the default): the verdicts only, nothing saved.")


class RowVerdictOut(Schema):
    row: int
    email: str
    outcome: str = Field(description="new, reserve, unchanged or refused")
    reasons: list[str]


class NominationsResult(Schema):
    saved: bool
    dry_run: bool
    new: int
    reserve: int
    unchanged: int
    refused: int
    rows: list[RowVerdictOut]


class ProgressOut(Schema):
    name: str
    email: str
    country: str | None
    sessions_attended: int
    courses_completed: int
    requirements_met: bool
    missing: list[str]


class CountryReportOut(Schema):
    programme: str
    country: str
    country_name: str
    participants_n: int
    certificates: int
    nominations: dict
    attendance: list
    completion: list
    knowledge: dict | None


class CertificateOut(Schema):
    code: str
    status: str = Field(description="valid, revoked or replaced")
    holder_name: str | None
    programme: str
    programme_title: str
    start_date: dt.date
    end_date: dt.date
    issued_on: dt.date
    ended_on: dt.date | None
