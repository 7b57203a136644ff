"""When a group's answer was saved is told in the reader's zone, named, as every page of the
programme tells times (the address's `?tz=`, the person's zone, the programme's)."""

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from capacita.groupwork import services
from capacita.groupwork.models import AnswerVersion, GroupMember, SessionWork

pytestmark = pytest.mark.django_db

# 28 October 2021, 19:58 UTC: 13:58 in Tegucigalpa (UTC−6), 14:58 in Mexico City (UTC−5),
# 15:58 in Santo Domingo (UTC−4).
SAVED = dt.datetime(2021, 10, 28, 19, 58, tzinfo=dt.UTC)
PLENARY = "/en/programmes/crm-2021/sessions/2/plenary/"


@pytest.fixture
def saved_answer(programme, users):
    session_work = SessionWork.objects.get(session__programme=programme, session__number=2)
    group = GroupMember.objects.get(
        session_work=session_work, user__email="participant.mx@example.org"
    ).group
    services.save_answer(group.questions.first(), users["participant"], "Primera idea", 0)
    AnswerVersion.objects.filter(question__group=group).update(saved_at=SAVED)
    return group


def test_the_group_page_tells_when_an_answer_was_saved_in_the_readers_zone(
    client_as, users, saved_answer
):
    manager = users["manager"]
    manager.time_zone = "America/Tegucigalpa"
    manager.save(update_fields=["time_zone"])
    page = client_as("manager").get(f"/en/programmes/crm-2021/sessions/2/groups/{saved_answer.pk}/")
    content = page.content.decode()
    assert "on Thursday 28 October 2021, 13:58 (Tegucigalpa Time)." in content
    assert "(UTC)" not in content


def test_the_plenary_takes_the_zone_asked_for_in_the_address(client_as, saved_answer):
    content = client_as("manager").get(PLENARY, {"tz": "America/Santo_Domingo"}).content
    assert "on Thursday 28 October 2021, 15:58 (Santo Domingo Time)." in content.decode()


def test_the_plenary_in_spanish_names_the_zone_in_spanish(client_as, saved_answer):
    content = client_as("manager").get(PLENARY.replace("/en/", "/es/")).content.decode()
    assert "jueves 28 de octubre de 2021, 14:58" in content
    assert "hora de Ciudad de México" in content
    assert "(UTC)" not in content


def test_the_plenary_pdf_tells_the_time_in_the_readers_zone(client_as, saved_answer):
    pdf = client_as("manager").get(PLENARY.replace("plenary/", "plenary.pdf"))
    text = " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf.content)).pages
    )
    assert "Thursday 28 October 2021, 14:58 (Mexico City Time)" in text
    assert "(UTC)" not in text
