import pytest
from django.urls import reverse

MANAGERS_PAGES = ["overview"]
MANAGERS_POSTS = ["retention", "anonymise_person", "anonymise_programme"]


@pytest.mark.parametrize("name", MANAGERS_PAGES + MANAGERS_POSTS)
@pytest.mark.parametrize("role", ["participant", "focal_point", "observer", "outsider"])
def test_only_managers_handle_personal_data(client_as, programme, name, role):
    client = client_as(role)
    url = reverse(f"privacy:{name}", args=[programme.slug])
    response = client.post(url, {}) if name in MANAGERS_POSTS else client.get(url)
    assert response.status_code == 403


@pytest.mark.parametrize("name", ["overview", "my_data", "request_removal"])
def test_anonymous_visitors_go_to_the_login(client_as, programme, name):
    response = client_as(None).get(reverse(f"privacy:{name}", args=[programme.slug]))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


@pytest.mark.parametrize("name", ["my_data", "request_removal"])
def test_only_the_programmes_people_reach_their_data_here(client_as, programme, name):
    url = reverse(f"privacy:{name}", args=[programme.slug])
    assert client_as("outsider").get(url).status_code == 403
    assert client_as("participant").get(url).status_code == 200


def test_the_managers_page_shows_its_forms(client_as, programme):
    response = client_as("manager").get(reverse("privacy:overview", args=[programme.slug]))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'for="id_keep_until"' in page
    assert 'for="id_person-person"' in page
    assert 'for="id_programme-confirm"' in page
