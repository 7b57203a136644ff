"""The 2021 programme's groups: session 2 by country, session 3 by perspective on the demo's
case, everyone assigned automatically (the participants of countries in no group are left
for a manager to place, as the concept note has it). Idempotent: a session that already has
its group work is left as it is."""

from __future__ import annotations

from pathlib import Path

import yaml
from django.db import transaction

from capacita.case_study.models import SessionCase
from capacita.case_study.services import case_questions
from capacita.development.demo_case import (
    DEMO_CASE_FILE,
    example_assessment,
    load_case,
    load_catalogue,
)
from capacita.groupwork import services
from capacita.groupwork.models import GroupQuestion, SessionWork, WorkGroup
from capacita.programmes.models import Country

DEMO_GROUPS_FILE = Path(__file__).resolve().parent / "data" / "crm-2021-groups.yaml"


@transaction.atomic
def load_demo_groups(
    programme, path: Path = DEMO_GROUPS_FILE, facilitator=None
) -> list[SessionWork]:
    with open(path, encoding="utf-8") as file:
        data = yaml.safe_load(file)
    loaded = []
    for spec in data["sessions"]:
        session = programme.sessions.filter(number=spec["number"]).first()
        if session is None or SessionWork.objects.filter(session=session).exists():
            continue
        session_work = SessionWork.objects.create(session=session, grouping=spec["grouping"])
        case = _demo_case(session_work) if spec.get("case") else None
        for position, group_spec in enumerate(spec["groups"], start=1):
            task = group_spec.get("task") or spec.get("task") or {"es": "", "en": ""}
            group = WorkGroup.objects.create(
                session_work=session_work,
                position=position,
                name_es=group_spec["name"]["es"],
                name_en=group_spec["name"]["en"],
                task_es=task["es"],
                task_en=task["en"],
                perspective=group_spec.get("perspective", ""),
                facilitator=facilitator,
            )
            group.countries.set(Country.objects.filter(code__in=group_spec.get("countries", [])))
            questions = group_spec.get("questions") or []
            if case is not None:
                questions = [
                    {"es": q.text_es, "en": q.text_en}
                    for q in case_questions(case, group.perspective)
                ]
            GroupQuestion.objects.bulk_create(
                GroupQuestion(group=group, position=index, text_es=q["es"], text_en=q["en"])
                for index, q in enumerate(questions, start=1)
            )
        services.assign_automatically(session_work)
        if case is not None:
            example_assessment(session_work.groups.order_by("position").first(), case)
        loaded.append(session_work)
    return loaded


def _demo_case(session_work):
    load_catalogue()
    case = load_case(DEMO_CASE_FILE)
    SessionCase.objects.update_or_create(session_work=session_work, defaults={"case": case})
    return case
