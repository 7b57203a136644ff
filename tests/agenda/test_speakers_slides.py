"""A speaker or facilitator adds their own slides to the agenda items they take part in, and
takes down the ones they added; registered people get them from the programme's page. Nobody
else adds to an item, and a file that is no PDF or PowerPoint is refused at its field."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from capacita.agenda.models import AgendaItem, AgendaParticipant, Slides
from capacita.programmes.models import Membership, Person, Role

from ..uploads.files import PDF, png

pytestmark = pytest.mark.django_db

BASE = "/en/programmes/crm-2021"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def item(programme) -> AgendaItem:
    return AgendaItem.objects.filter(session__programme=programme, kind="presentation").first()


@pytest.fixture
def speaker(programme, item):
    """A facilitator's account linked to a speaker of `item`."""
    user = get_user_model().objects.create_user(
        "ponente@example.org", "x", first_name="Ana", last_name="Ponente"
    )
    Membership.objects.create(programme=programme, user=user, role=Role.FACILITATOR)
    person = Person.objects.create(
        programme=programme, key="ana-ponente", name_es="Ana Ponente", name_en="Ana Ponente",
        user=user,
    )  # fmt: skip
    AgendaParticipant.objects.create(item=item, person=person, role="speaker")
    return user


def upload(client, item, content=PDF, name="slides.pdf", title="Labour migration"):
    return client.post(
        f"{BASE}/my-items/{item.pk}/slides/",
        {f"item-{item.pk}-title": title, f"item-{item.pk}-file": SimpleUploadedFile(name, content)},
    )


def test_a_speaker_sees_their_items_and_adds_slides_people_can_download(
    client, client_as, item, speaker
):
    client.force_login(speaker)
    page = client.get(f"{BASE}/my-items/").content.decode()
    assert f'id="item-{item.pk}"' in page and "Speaker" in page
    assert page.count('<section class="agenda-part"') == 1
    assert f'href="{BASE}/my-items/"' in client.get(f"{BASE}/me/").content.decode()

    response = upload(client, item)
    assert response.status_code == 302
    assert response["Location"] == f"{BASE}/my-items/#item-{item.pk}"
    slides = Slides.objects.get(item=item, title="Labour migration")
    assert (slides.uploaded_by, slides.file.read()) == (speaker, PDF)
    assert not slides.file.name.endswith("slides.pdf"), "stored under a generated name"

    # A participant finds them on the programme's page and downloads them through a link.
    participant = client_as("participant")
    assert f"/slides/{slides.pk}/" in participant.get(f"{BASE}/me/").content.decode()
    link = participant.get(f"{BASE}/slides/{slides.pk}/")
    assert participant.get(link["Location"]).getvalue() == PDF


def test_a_file_that_is_no_pdf_or_powerpoint_is_refused_at_its_field(client, item, speaker):
    client.force_login(speaker)
    response = upload(client, item, content=png(), name="slides.pdf")
    assert response.status_code == 200
    page = response.content.decode()
    assert f'id="id_item-{item.pk}-file_error"' in page
    assert "a PDF or PowerPoint (PPTX) file" in page
    assert not Slides.objects.filter(item=item).exists()


def test_nobody_else_adds_to_an_item(client, client_as, programme, item, speaker):
    other_item = AgendaItem.objects.filter(session__programme=programme).exclude(pk=item.pk)[0]
    client.force_login(speaker)
    assert upload(client, other_item).status_code == 403
    assert upload(client_as("facilitator"), item).status_code == 403
    assert upload(client_as("participant"), item).status_code == 403
    assert not Slides.objects.filter(item__in=[item, other_item]).exists()


def test_slides_are_taken_down_by_who_added_them_or_a_manager(
    client, client_as, item, speaker, django_capture_on_commit_callbacks
):
    client.force_login(speaker)
    upload(client, item, title="First")
    upload(client, item, title="Second")
    first, second = Slides.objects.filter(item=item).order_by("pk")
    storage, name = first.file.storage, first.file.name
    assert storage.exists(name)

    assert client_as("facilitator").post(f"{BASE}/slides/{first.pk}/remove/").status_code == 403
    assert Slides.objects.filter(item=item).count() == 2

    client.force_login(speaker)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{BASE}/slides/{first.pk}/remove/")
    assert response.status_code == 302
    assert list(Slides.objects.filter(item=item)) == [second]
    assert not storage.exists(name), "the file goes with its record"

    manager = client_as("manager")
    assert manager.post(f"{BASE}/slides/{second.pk}/remove/").status_code == 302
    assert not Slides.objects.filter(item=item).exists()


def test_a_facilitator_with_no_part_in_the_agenda_is_told_how_to_get_one(client_as, users):
    # The demo's facilitator has a part (capacita/development/demo.py): take it away.
    Person.objects.filter(user=users["facilitator"]).update(user=None)
    page = client_as("facilitator").get(f"{BASE}/my-items/").content.decode()
    assert "is not linked to a name of the agenda yet" in page
