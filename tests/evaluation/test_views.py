import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from capacita.evaluation.models import Answer, Response

from .conftest import full_answers

pytestmark = pytest.mark.django_db


def url(programme, kind="pre"):
    return reverse("evaluation:answer", kwargs={"slug": programme.slug, "kind": kind})


@pytest.mark.parametrize("role", ["outsider", "focal_point", "manager", "observer", "facilitator"])
def test_others_are_refused(client_as, pre, role):
    assert client_as(role).get(url(pre.programme)).status_code == 403
    assert client_as(role).post(url(pre.programme), {"K01": "c"}).status_code == 403


def test_unknown_kind_is_404(client_as, pre):
    response = client_as("participant").get(f"{url(pre.programme)}".replace("/pre/", "/mid/"))
    assert response.status_code == 404


def test_form_save_come_back_then_submit(client_as, pre, users):
    client = client_as("participant")
    page = client.get(url(pre.programme))
    assert page.status_code == 200
    content = page.content.decode()
    assert 'name="K01"' in content and 'type="radio"' in content
    assert "Submit" in content or "Enviar" in content
    response = client.post(url(pre.programme), {"K01": "c", "E04": "Aprender", "save": "1"})
    assert response.status_code == 302
    page = client.get(url(pre.programme)).content.decode()
    assert 'value="c" checked' in page and "Aprender" in page
    # Submitting an incomplete form keeps the draft and names the missing questions.
    page = client.post(url(pre.programme), {"K01": "c", "submit": "1"}, follow=True)
    assert "K02" in page.content.decode()
    saved = Response.objects.get(questionnaire=pre, user=users["participant"])
    assert not saved.is_submitted
    data = full_answers(pre)
    data["submit"] = "1"
    client.post(url(pre.programme), data)
    saved.refresh_from_db()
    assert saved.is_submitted
    page = client.get(url(pre.programme)).content.decode()
    assert 'id="score"' in page and "100" in page and "<form" not in page.split("</header>")[-1]
    # A second submission changes nothing.
    client.post(url(pre.programme), {**data, "K01": "a"})
    assert Answer.objects.get(response=saved, question__code="K01").choice_codes == ["c"]


def test_post_by_another_participant_changes_only_their_own(
    client_as, client, pre, users, other_participant
):
    client_as("participant").post(url(pre.programme), {"K01": "c", "save": "1"})
    client.force_login(other_participant)
    client.post(url(pre.programme), {"K01": "a", "user": users["participant"].pk, "save": "1"})
    mine = Answer.objects.get(response__user=users["participant"], question__code="K01")
    theirs = Answer.objects.get(response__user=other_participant, question__code="K01")
    assert mine.choice_codes == ["c"] and theirs.choice_codes == ["a"]
    # And they see only their own answers.
    page = client.get(url(pre.programme)).content.decode()
    assert 'value="a" checked' in page and 'value="c" checked' not in page


def test_closed_and_not_yet_explain_when(client_as, pre, users):
    users["participant"].time_zone = "America/Mexico_City"
    users["participant"].save()
    pre.closes_at = timezone.now() - dt.timedelta(days=1)
    pre.save()
    client = client_as("participant")
    page = client.get(url(pre.programme)).content.decode()
    assert 'id="closed"' in page and "(Mexico City Time)" in page
    client.post(url(pre.programme), {**full_answers(pre), "submit": "1"})
    assert not Response.objects.filter(questionnaire=pre, user=users["participant"]).exists()
    pre.closes_at = None
    pre.opens_at = timezone.now() + dt.timedelta(days=1)
    pre.save()
    page = client.get(url(pre.programme)).content.decode()
    assert 'id="not-open"' in page and "(Mexico City Time)" in page
