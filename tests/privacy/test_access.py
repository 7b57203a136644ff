"""Who reaches the pages of personal data is decided by the access matrix
(tests/test_access_matrix.py, rows privacy:*); here, what the managers' page offers."""

from django.urls import reverse


def test_the_managers_page_shows_its_forms(client_as, programme):
    response = client_as("manager").get(reverse("privacy:overview", args=[programme.slug]))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'for="id_keep_until"' in page
    assert 'for="id_person-person"' in page
    assert 'for="id_programme-confirm"' in page
