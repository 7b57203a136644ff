"""Loading the catalogue of factors and the cases from their YAML files, and the example
assessment the demo shows. Every loader is idempotent: run again, it updates by code."""

from __future__ import annotations

from pathlib import Path

import yaml
from django.db import transaction

from capacita.case_study import services
from capacita.case_study.models import Assessment, Case, CaseQuestion, Factor, Level
from capacita.shared.bilingual import active_language

DATA = Path(__file__).resolve().parent / "data"
FACTORS_FILE = DATA / "factors.yaml"
DEMO_CASE_FILE = DATA / "case-2021.yaml"


def _read(path: Path) -> dict:
    with open(path, encoding="utf-8") as file:
        return yaml.safe_load(file)


@transaction.atomic
def load_catalogue(path: Path = FACTORS_FILE) -> list[Factor]:
    """Create or update the catalogue's factors by code, in the file's order."""
    data = _read(path)
    factors = []
    position = 0
    for level, entries in data["levels"].items():
        if level not in Level.values:
            raise ValueError(f"{path}: unknown level {level!r}")
        for entry in entries:
            position += 1
            factor, _created = Factor.objects.update_or_create(
                code=entry["code"],
                defaults={
                    "level": level,
                    "position": position,
                    "name_es": entry["es"],
                    "name_en": entry["en"],
                },
            )
            factors.append(factor)
    return factors


@transaction.atomic
def load_case(path: Path) -> Case:
    """Create or update the case by its code, with its guiding questions per perspective
    (questions the file no longer has are removed)."""
    data = _read(path)
    case, _created = Case.objects.update_or_create(
        code=data["code"],
        defaults={
            "title_es": data["title"]["es"],
            "title_en": data["title"]["en"],
            "story_es": data["story"]["es"],
            "story_en": data["story"]["en"],
        },
    )
    kept = []
    for perspective, questions in (data.get("questions") or {}).items():
        for position, question in enumerate(questions, start=1):
            row, _created = CaseQuestion.objects.update_or_create(
                case=case,
                perspective=perspective,
                position=position,
                defaults={"text_es": question["es"], "text_en": question["en"]},
            )
            kept.append(row.pk)
    case.questions.exclude(pk__in=kept).delete()
    return case


@transaction.atomic
def example_assessment(
    group, case: Case, path: Path = DEMO_CASE_FILE, language: str | None = None
) -> Assessment | None:
    """Give `group` the example assessment of the case file at `path` (in `language`, by
    default the active one), unless the group already has an assessment. Returns the new
    assessment, or None when there was one already or the file has no example."""
    if group is None or Assessment.objects.filter(group=group).exists():
        return None
    data = _read(path)
    if data["code"] != case.code:
        raise ValueError(f"{path} describes case {data['code']!r}, not {case.code!r}")
    example = data.get("example_assessment")
    if not example:
        return None
    language = language or active_language()
    load_catalogue()
    assessment = Assessment.objects.create(group=group, case=case)
    for entry in example.get("factors", []):
        services.add_factor(
            assessment,
            entry["level"],
            entry["kind"],
            factor_code=entry.get("factor"),
            custom_name=entry["custom"][language] if entry.get("custom") else "",
            note=entry["note"][language] if entry.get("note") else "",
        )
    services.save_conclusions(
        assessment,
        (example.get("needs") or {}).get(language, ""),
        (example.get("referrals") or {}).get(language, ""),
    )
    return assessment
