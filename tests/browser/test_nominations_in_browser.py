import re

import pytest
from playwright.sync_api import expect

from capacita.development.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = "Nombre;Apellidos;Cargo/Puesto;Institución;Correo electrónico;Idioma;Observaciones\n"
WITH_MISTAKES = HEADER + (
    "Ana Lucía;Peña Ejemplo;Consejera de empleo;Ministerio de Trabajo;ana.pena@example.org;es;\n"
    "Bernardo;Núñez Prueba;Inspector laboral;;bernardo@example.org;es;\n"
    "Carla;Ibáñez Demo;Enlace;Ministerio de Trabajo;carla-at-example.org;en;\n"
    "Dora;Duplicada Demo;Consejera;INTECAP;ANA.PENA@example.org;es;\n"
)
CORRECTED = HEADER + (
    "Ana Lucía;Peña Ejemplo;Consejera de empleo;Ministerio de Trabajo;ana.pena@example.org;es;\n"
    "Bernardo;Núñez Prueba;Inspector laboral;INTECAP;bernardo@example.org;es;\n"
    "Carla;Ibáñez Demo;Enlace;Ministerio de Trabajo;carla@example.org;en;\n"
)


def log_in(page, email):
    page.goto("/en/accounts/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.locator("main").get_by_role("button", name="Log in").click()


def upload(page, name, text):
    page.get_by_label("The country's list (XLSX or CSV)").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": text.encode("cp1252")}]
    )
    page.get_by_role("button", name="Check the file").click()


def test_a_focal_point_uploads_a_list_and_the_accepted_nominee_is_invited(
    page,
    demo,
    smtp_server,
    run_worker,
):
    log_in(page, "focal.gt@example.org")
    page.goto("/en/programmes/crm-2021/nominations/")
    expect(page).to_have_url(re.compile(r"/nominations/gt/$"))

    upload(page, "guatemala.csv", WITH_MISTAKES)
    expect(page.locator("#refused-note")).to_contain_text("Nothing has been saved")
    expect(page.locator("#ignored-columns")).to_contain_text("Observaciones")
    expect(page.locator("#row-3")).to_contain_text("institution is missing")
    expect(page.locator("#row-4")).to_contain_text("is not a valid e-mail address")
    expect(page.locator("#row-5")).to_contain_text("also on row 2")
    expect(page.get_by_role("button", name="Confirm and save the list")).to_have_count(0)

    page.get_by_role("link", name="Back to the list", exact=True).click()
    expect(page.locator("table.nominations")).not_to_contain_text("Peña Ejemplo")

    upload(page, "guatemala-corrected.csv", CORRECTED)
    expect(page.locator("tr.verdict-new")).to_have_count(3)
    page.get_by_role("button", name="Confirm and save the list").click()
    expect(page.locator(".messages")).to_contain_text("3 nominated")
    row = page.locator("tr", has_text="carla@example.org")
    expect(row).to_contain_text("Carla Ibáñez Demo")
    expect(row).to_contain_text("Submitted")

    page.get_by_role("button", name="Log out").click()
    log_in(page, "manager@example.org")
    page.goto("/en/programmes/crm-2021/nominations/gt/")
    page.get_by_label("Choose Carla Ibáñez Demo").check()
    page.get_by_label("Decision").select_option("accept")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".messages")).to_contain_text("1 nomination accepted (Guatemala: 1)")
    expect(page.locator("tr", has_text="carla@example.org")).to_contain_text("Accepted")

    run_worker()
    arrived = smtp_server.to("carla@example.org")
    assert len(arrived) == 1
    message = arrived[0].message
    # Carla chose English in the file: her invitation is in English.
    assert message["Subject"].startswith("Welcome to")
    body = message.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"http://\S+/en/accounts/welcome/\S+/", body).group(0)

    page.get_by_role("button", name="Log out").click()
    page.goto(link.replace("http://127.0.0.1:8000", ""))
    page.locator("#id_new_password1").fill("a-long-pass-phrase-2021")
    page.locator("#id_new_password2").fill("a-long-pass-phrase-2021")
    page.get_by_role("button", name="Save my password").click()
    expect(page).to_have_url(re.compile(r"/en/accounts/login/"))
    page.get_by_label("E-mail").fill("carla@example.org")
    page.get_by_label("Password").fill("a-long-pass-phrase-2021")
    page.locator("main").get_by_role("button", name="Log in").click()
    expect(page.locator("header")).to_contain_text("Carla Ibáñez Demo")
