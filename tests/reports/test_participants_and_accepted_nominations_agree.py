"""The reports say why their count of participants differs from the accepted nominations:
the demo's participant accounts, like any the managers register directly, come from no
nomination ("6 accepted" above "7 participants" once went unexplained)."""

from __future__ import annotations

import pytest
from django.utils import translation

from capacita.nominations.models import Nomination
from capacita.programmes.models import Country, Membership, Role
from capacita.reports import documents

from .pdfs import downloaded, flat, page_texts

pytestmark = pytest.mark.django_db

PAGE = "/en/programmes/crm-2021/reports/MX/"


def mexico_counts(programme) -> tuple[int, int]:
    """Mexico's participants, and those of them who came through an accepted nomination."""
    members = set(
        Membership.objects.filter(
            programme=programme, role=Role.PARTICIPANT, country__code="MX"
        ).values_list("user_id", flat=True)
    )
    nominated = set(
        Nomination.objects.filter(
            programme=programme, status=Nomination.Status.ACCEPTED, user_id__in=members
        ).values_list("user_id", flat=True)
    )
    return len(members), len(nominated)


@pytest.mark.pdf
def test_the_country_report_explains_the_participants_not_nominated(client_as, programme):
    total, nominated = mexico_counts(programme)
    accepted = Nomination.objects.filter(
        programme=programme, country__code="MX", status=Nomination.Status.ACCEPTED
    ).count()
    # The demo: 6 accepted nominees, and the demo's own participant account besides.
    assert (total, nominated, accepted) == (7, 6, 6)
    sentence = (
        "7 participants: 6 through an accepted nomination, 1 registered directly by the "
        "programme's managers, without a nomination."
    )
    client = client_as("manager")

    page = flat(client.get(PAGE).content.decode().replace("&#x27;", "'"))
    pdf = " ".join(page_texts(downloaded(client, "/reports/MX.pdf")))

    assert "6 accepted." in page and sentence in page
    assert "6 accepted." in pdf and sentence in pdf


@pytest.mark.pdf
def test_the_balance_explains_them_for_the_whole_programme(client_as, programme):
    with translation.override("en"):
        origins = documents.participant_origins(programme)
    assert origins["direct"] == 2  # the demo's participants of Mexico and the Dominican Republic
    sentence = (
        f"{origins['total']} participants: {origins['nominated']} through an accepted "
        "nomination, 2 registered directly by the programme's managers, without a nomination."
    )
    client = client_as("manager")

    page = flat(client.get("/en/programmes/crm-2021/balance/").content.decode())
    pdf = " ".join(page_texts(downloaded(client, "/balance.pdf")))

    assert sentence in page.replace("&#x27;", "'")
    assert sentence in pdf


def test_when_every_participant_was_nominated_the_report_says_so(client_as, programme, users):
    Membership.objects.filter(programme=programme, user=users["participant"]).delete()

    page = flat(client_as("manager").get(PAGE).content.decode())

    assert "6 participants, all through an accepted nomination." in page


def test_an_accepted_nominee_who_is_no_participant_is_counted_apart(client_as, programme):
    nominee = Nomination.objects.filter(
        programme=programme, country__code="MX", status=Nomination.Status.ACCEPTED
    ).first()
    Membership.objects.filter(programme=programme, user_id=nominee.user_id).delete()

    origins = documents.participant_origins(programme, Country.objects.get(code="MX"))
    page = flat(client_as("manager").get(PAGE).content.decode().replace("&#x27;", "'"))

    assert origins == {"total": 6, "nominated": 5, "direct": 1, "not_participating": 1}
    assert "6 participants: 5 through an accepted nomination, 1 registered directly" in page
    assert "1 accepted nominee is not among the participants." in page
