import pytest
from django.core.management import call_command
from openpyxl import Workbook

from capacita.evaluation.models import Response

pytestmark = pytest.mark.django_db


def run(*args):
    from io import StringIO

    out = StringIO()
    try:
        call_command("import_responses", *args, stdout=out)
    except SystemExit as exit:
        return exit.code, out.getvalue()
    return 0, out.getvalue()


def test_refused_rows_exit_1_and_save_nothing(pre, tmp_path, users):
    path = tmp_path / "answers.csv"
    path.write_text(
        "email;K01;E01\nparticipant.mx@example.org;c;5\nnobody@example.org;c;6\n",
        encoding="utf-8",
    )
    code, out = run("crm-2021", "pre", str(path))
    assert code == 1
    assert "row 3:" in out and "unknown e-mail" in out and "1 to 5" in out
    assert "Nothing was saved" in out
    assert not Response.objects.filter(questionnaire=pre, user=users["participant"]).exists()


def test_dry_run_then_save_xlsx(pre, tmp_path, users):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["email", "K01", "E01", "E04"])
    sheet.append(["participant.mx@example.org", "c", 4, "Un comentario"])
    path = tmp_path / "answers.xlsx"
    workbook.save(path)
    code, out = run("crm-2021", "pre", str(path), "--dry-run")
    assert code == 0 and "would be saved" in out
    assert not Response.objects.filter(questionnaire=pre, user=users["participant"]).exists()
    code, out = run("crm-2021", "pre", str(path))
    assert code == 0, out
    response = Response.objects.get(questionnaire=pre, user=users["participant"])
    assert response.source == "import"
    assert response.answers.get(question__code="E01").scale == 4
    code, out = run("crm-2021", "pre", str(path))
    assert code == 1 and "already submitted" in out


def test_unknown_column_exit_1(pre, tmp_path):
    path = tmp_path / "answers.csv"
    path.write_text("email,K01,Q77\nparticipant.mx@example.org,c,1\n", encoding="utf-8")
    code, out = run("crm-2021", "pre", str(path))
    assert code == 1 and "Q77" in out


def test_copy_command(pre):
    import datetime as dt

    from capacita.evaluation.models import Questionnaire
    from capacita.programmes.models import Programme

    Programme.objects.create(
        slug="crm-2022",
        title_es="2022",
        title_en="2022",
        description_es="d",
        description_en="d",
        general_objective_es="o",
        general_objective_en="o",
        start_date=dt.date(2022, 1, 1),
        end_date=dt.date(2022, 2, 1),
    )
    call_command("copy_questionnaire", "crm-2021", "pre", "crm-2022")
    assert Questionnaire.objects.filter(programme__slug="crm-2022", kind="pre").exists()
