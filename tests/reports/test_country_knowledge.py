"""A country's report works out its knowledge line from its own participants, not from the
whole programme's evaluation (a programme of 10,000 read everyone's answers for each country:
2.0 s), and the line is the one the whole evaluation gives it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from capacita.development.scale import add_generated_programme
from capacita.evaluation.report import country_knowledge, evaluation_report
from capacita.reports.figures import country_report


def every_country(programme):
    return [member.country for member in programme.member_countries.select_related("country")]


def the_line_in_the_whole_evaluation(programme, country):
    lines = evaluation_report(programme)["by_country"]
    return next((line for line in lines if line["label"] == country.name), None)


@pytest.mark.parametrize("size", [0, 40])
def test_each_countrys_line_is_the_one_of_the_whole_evaluation(programme, size):
    """The demo (small countries, some hidden under the small-group rule, some with no
    test) and a generated programme."""
    programmes = [programme] + ([add_generated_programme(size)] if size else [])
    seen = {"hidden": 0, "shown": 0, "none": 0}
    for each in programmes:
        for country in every_country(each):
            line = country_knowledge(each, country)
            assert line == the_line_in_the_whole_evaluation(each, country), country.code
            seen["none" if line is None else "hidden" if line["hidden"] else "shown"] += 1
    assert seen["shown"] and seen["none"] + seen["hidden"]


def test_the_country_report_does_not_read_the_whole_evaluation(programme, monkeypatch):
    from capacita.reports import figures

    def refused(*args, **kwargs):
        raise AssertionError("the whole programme's evaluation was read")

    monkeypatch.setattr(figures, "evaluation_report", refused)
    country = next(c for c in every_country(programme) if c.code == "MX")
    with CaptureQueriesContext(connection) as queries:
        figures = country_report(programme, country)
    assert figures["country"] == "MX"
    # No answer is read (each response keeps its right answers), and every reading of
    # responses is limited to the country's participants.
    assert not [q for q in queries if 'FROM "evaluation_answer"' in q["sql"]]
    responses = [q["sql"] for q in queries if '"evaluation_response"' in q["sql"]]
    assert responses
    assert all(f'."country_id" = {country.pk}' in sql for sql in responses)
