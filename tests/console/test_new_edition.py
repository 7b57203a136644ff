"""A programme's next edition made from it in the browser: its structure copied field by
field with every date and time moved by the offset, nothing of its people, its files copied
as files of its own, its manager the acting one, an audit record; refusals that say why."""

from __future__ import annotations

import datetime as dt
from collections import Counter, deque

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import models
from django.utils import translation

from capacita.agenda.models import AgendaItem, AgendaParticipant, Slides
from capacita.attendance.models import AttendanceRecord
from capacita.audit.models import AuditEvent
from capacita.certificates.kept import refresh
from capacita.certificates.models import CertificateDesign, Signatory
from capacita.completions.models import CourseCompletion
from capacita.console import new_edition as edition_module
from capacita.console.new_edition import (
    MAX_DAYS,
    NOT_COPIED,
    PLANS,
    NewEditionError,
    moved,
    new_edition,
    next_year,
    suggestion,
)
from capacita.evaluation.models import Question, Questionnaire
from capacita.groupwork.models import AnswerVersion, GroupMember, SessionWork, WorkGroup
from capacita.programmes.models import Membership, Organiser, Person, Programme, Role
from capacita.shared.storage import private_storage

from ..certificates.issued import issued_certificate
from ..other_programme import another_programme

pytestmark = pytest.mark.django_db

DAYS = 364
# The smallest PNG: one white pixel.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8ffff3f0005fe02fea7d6a4a40000000049454e44ae426082"
)


# --- The plan decides about every field and every model -----------------------------------


def declared_fields(model) -> list[str]:
    """The fields a copy of `model` must decide about: its columns and its many-to-many."""
    return [
        f.name
        for f in model._meta.get_fields()
        if getattr(f, "concrete", False) or (f.many_to_many and not f.auto_created)
    ]


@pytest.mark.parametrize("model", list(PLANS), ids=lambda model: model._meta.label)
def test_the_copy_decides_about_every_field_of_each_model_it_copies(model):
    plan = PLANS[model]
    decided = plan.decided()
    assert len(decided) == len(set(decided)), f"{model.__name__}: a field decided twice"
    assert sorted(decided) == sorted(declared_fields(model)), (
        f"{model._meta.label}: a field neither copied, moved, set, copied as a file nor left "
        "out with its reason (capacita/console/new_edition.py, PLANS)"
    )
    assert all(reason.strip() for reason in plan.left.values())
    for name in plan.moved:
        assert isinstance(model._meta.get_field(name), models.DateField), name
    for name in plan.files:
        assert isinstance(model._meta.get_field(name), models.FileField), name


def path_to_programme(model) -> str | None:
    """A lookup from `model` to its programme through its links ("session__programme"),
    or None for a model that belongs to no programme (countries, accounts, cases)."""
    if model is Programme:
        return ""
    queue = deque([(model, "")])
    seen = {model}
    while queue:
        current, path = queue.popleft()
        for f in current._meta.get_fields():
            if not (f.concrete and (f.many_to_one or f.one_to_one)) or f.related_model is None:
                continue
            lookup = f"{path}__{f.name}" if path else f.name
            if f.related_model is Programme:
                return lookup
            if f.related_model not in seen:
                seen.add(f.related_model)
                queue.append((f.related_model, lookup))
    return None


def programme_models() -> list:
    return [
        model
        for model in apps.get_models()
        if model.__module__.startswith("capacita.") and path_to_programme(model) is not None
    ]


def test_every_model_of_a_programme_is_copied_or_said_not_to_be():
    labels = {model._meta.label for model in programme_models()}
    decided = {model._meta.label for model in PLANS} | set(NOT_COPIED)
    assert labels - decided == set(), "models of a programme the copy does not decide about"
    assert decided - labels == set(), "decisions about models that are gone"
    assert not {model._meta.label for model in PLANS} & set(NOT_COPIED)


# --- The copy ------------------------------------------------------------------------------


@pytest.fixture
def manager(demo):
    return get_user_model().objects.get(email="manager@example.org")


@pytest.fixture
def source(demo, manager):
    """The demo's 2021 programme with what the demo lacks: a logo, a certificate design and
    a signatory with their images, slides, attendance, a completion, a certificate, a
    group's answer, a test opened by hand and a plenary opened."""
    organiser = Organiser.objects.filter(programme=demo).order_by("position").first()
    organiser.logo.save("logo.png", ContentFile(PNG), save=True)
    CertificateDesign.objects.create(programme=demo, languages="both", hours=12)
    signatory = Signatory(
        programme=demo,
        position=1,
        name="Firma Ejemplo",
        job_title_es="Coordinación",
        job_title_en="Coordination",
        organisation_es="OIM",
        organisation_en="IOM",
    )
    signatory.signature.save("firma.png", ContentFile(PNG), save=True)
    slides = Slides(item=AgendaItem.objects.filter(session__programme=demo).first(), title="x")
    slides.file.save("x.pdf", ContentFile(b"%PDF-1.4 x"), save=True)
    participant = get_user_model().objects.get(email="participant.mx@example.org")
    AttendanceRecord.objects.create(
        session=demo.sessions.get(number=1), user=participant, status="present"
    )
    CourseCompletion.objects.create(
        course=demo.courses.first(), user=participant, completed=True, source="manual"
    )
    refresh(demo, [participant.pk])
    issued_certificate(demo, participant)
    AnswerVersion.objects.create(
        question=WorkGroup.objects.filter(session_work__session__programme=demo)
        .first()
        .questions.first(),
        number=1,
        text="Respuesta del grupo",
        author=participant,
    )
    Questionnaire.objects.filter(programme=demo, kind="pre").update(manual_state="closed")
    SessionWork.objects.filter(session__programme=demo).update(plenary_open=True)
    demo.people.filter(key="demo-facilitator").update(
        user=get_user_model().objects.get(email="facilitator@example.org")
    )
    return Programme.objects.get(pk=demo.pk)


def make(source, manager, **given) -> Programme:
    values = {
        "slug": "crm-2022",
        "title_es": "Programa 2022",
        "title_en": "Programme 2022",
        "days": DAYS,
        **given,
    }
    return new_edition(source, **values, actor=manager)


def rows(model, programme):
    path = path_to_programme(model)
    return model.objects.filter(**{path or "pk": programme.pk})


def content(model, programme, days=0) -> Counter:
    """What a programme's records of `model` hold in the fields the copy takes or moves (the
    earlier edition's moved by `days`)."""
    plan = PLANS[model]
    zone = programme.zone
    found = Counter()
    for record in rows(model, programme):
        values = []
        for name in plan.copied:
            f = model._meta.get_field(name)
            if f.many_to_many:
                values.append(frozenset(getattr(record, name).values_list("pk", flat=True)))
            else:
                values.append(getattr(record, f.attname))
        values += [moved(getattr(record, name), days, zone) for name in plan.moved]
        found[tuple(values)] += 1
    return found


@pytest.mark.parametrize("model", list(PLANS), ids=lambda model: model._meta.label)
def test_each_record_of_the_structure_is_copied_with_its_dates_moved(model, source, manager):
    earlier = content(model, source, days=DAYS)
    edition = make(source, manager)
    assert content(model, edition) == earlier
    if model not in (Signatory, CertificateDesign):
        assert earlier, f"the demo has no {model.__name__} to copy"


def test_the_tree_is_the_same_tree(source, manager):
    edition = make(source, manager)

    def agenda(programme):
        return sorted(
            AgendaParticipant.objects.filter(item__session__programme=programme).values_list(
                "item__session__number", "item__position", "person__key", "role"
            )
        )

    def answers_key(programme):
        return {
            (q.section.questionnaire.kind, q.code): q.correct_codes()
            for q in Question.objects.filter(section__questionnaire__programme=programme)
        }

    def groups(programme):
        return sorted(
            (g.session_work.session.number, g.position, g.name_es, g.questions.count())
            for g in WorkGroup.objects.filter(session_work__session__programme=programme)
        )

    for shape in (agenda, answers_key, groups):
        assert shape(edition) == shape(source), shape.__name__
    assert agenda(edition) and answers_key(edition) and groups(edition)
    case = source.sessions.get(number=3).group_work.case_study.case
    assert edition.sessions.get(number=3).group_work.case_study.case == case


def test_the_new_edition_is_unpublished_with_its_slug_titles_and_acting_manager(source, manager):
    edition = make(source, manager, slug="crm-2022", title_es=" Programa 2022 ")
    assert (edition.slug, edition.title_es, edition.title_en) == (
        "crm-2022",
        "Programa 2022",
        "Programme 2022",
    )
    assert edition.is_published is False
    assert list(Membership.objects.filter(programme=edition).values_list("user", "role")) == [
        (manager.pk, Role.MANAGER)
    ]
    assert (edition.start_date, edition.end_date) == (
        source.start_date + dt.timedelta(days=DAYS),
        source.end_date + dt.timedelta(days=DAYS),
    )


def test_times_of_day_stay_in_the_programmes_zone_across_a_change_of_clocks(source, manager):
    # Mexico City left summer time on 31 October 2021: a week later, 14:00 there is an hour
    # later in UTC.
    edition = make(source, manager, days=7)
    zone = source.zone
    before = source.sessions.get(number=1)
    after = edition.sessions.get(number=1)
    assert before.starts_at.astimezone(zone).date() == dt.date(2021, 10, 26)
    assert after.starts_at.astimezone(zone).date() == dt.date(2021, 11, 2)
    assert after.starts_at.astimezone(zone).time() == before.starts_at.astimezone(zone).time()
    assert after.starts_at - before.starts_at == dt.timedelta(days=7, hours=1)
    for kind in ("pre", "post"):
        old = Questionnaire.objects.get(programme=source, kind=kind)
        new = Questionnaire.objects.get(programme=edition, kind=kind)
        for name in ("opens_at", "closes_at"):
            was, now = getattr(old, name), getattr(new, name)
            assert now.astimezone(zone).time() == was.astimezone(zone).time(), (kind, name)
            assert (now.astimezone(zone).date() - was.astimezone(zone).date()).days == 7
    for old in source.courses.exclude(deadline=None):
        new = edition.courses.get(code=old.code)
        assert new.deadline.astimezone(zone).replace(tzinfo=None) == (
            old.deadline.astimezone(zone).replace(tzinfo=None) + dt.timedelta(days=7)
        )


def test_dates_move_back_as_well(source, manager):
    edition = make(source, manager, days=-MAX_DAYS)
    assert edition.start_date == source.start_date - dt.timedelta(days=MAX_DAYS)


# Records the demo and the fixture above give the earlier edition none of: that the new
# edition has none either is checked all the same.
NONE_IN_THE_SOURCE = {
    "attendance.MeetingReport",
    "attendance.JoinInterval",
    "attendance.NameMatch",
    "completions.CompletionReport",
    "progress.ReminderSent",
    "reports.BalanceNarrative",
    "privacy.RemovalRequest",
    "privacy.Retention",
    "nominations.NominationUpload",
    "jobs.Job",
}


def test_nothing_about_its_people_is_copied(source, manager):
    edition = make(source, manager)
    for label in NOT_COPIED:
        model = apps.get_model(label)
        earlier, copied = rows(model, source).count(), rows(model, edition).count()
        expected = 1 if model in (Membership, AuditEvent) else 0
        assert copied == expected, f"{label}: {copied} in the new edition"
        if label not in NONE_IN_THE_SOURCE:
            assert earlier, f"{label}: the earlier edition has none to leave out"
    assert not Person.objects.filter(programme=edition, user__isnull=False).exists()
    assert Person.objects.filter(programme=edition, key="demo-facilitator").exists()
    assert not WorkGroup.objects.filter(
        session_work__session__programme=edition, facilitator__isnull=False
    ).exists()
    assert not GroupMember.objects.filter(session_work__session__programme=edition).exists()
    assert set(
        Questionnaire.objects.filter(programme=edition).values_list("manual_state", flat=True)
    ) == {"auto"}
    assert not edition.sessions.filter(group_work__plenary_open=True).exists()
    assert not edition.sessions.exclude(meeting_url="", recording_url="").exists()


def test_the_logos_and_signatures_are_copied_as_files_of_their_own(source, manager):
    edition = make(source, manager)
    pairs = [
        (Organiser.objects.get(programme=source, code=o.code).logo, o.logo)
        for o in Organiser.objects.filter(programme=edition).exclude(logo="")
    ] + [
        (Signatory.objects.get(programme=source).signature, s.signature)
        for s in Signatory.objects.filter(programme=edition)
    ]
    assert len(pairs) == 2
    for old, new in pairs:
        assert new.name != old.name
        assert new.name.endswith(".png")
        assert private_storage().exists(new.name) and private_storage().exists(old.name)
        with old.open("rb") as a, new.open("rb") as b:
            assert a.read() == b.read() == PNG


def test_a_copy_that_fails_leaves_no_programme_and_no_file(source, manager, monkeypatch):
    before = set(private_storage().listdir("logos")[1])

    def broken(self, *args):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(edition_module._Copier, "_tests", broken)
    with pytest.raises(RuntimeError):
        make(source, manager)
    assert not Programme.objects.filter(slug="crm-2022").exists()
    assert set(private_storage().listdir("logos")[1]) == before


def test_the_decision_is_recorded(source, manager):
    edition = make(source, manager)
    event = AuditEvent.objects.get(programme=edition)
    assert (event.actor, event.person, event.action) == (
        manager,
        manager,
        AuditEvent.Action.PROGRAMME_NEW_EDITION,
    )
    assert (event.subject_type, event.subject_id) == ("programmes.programme", str(edition.pk))
    assert event.details == {"new_edition_of": source.slug, "days_moved": DAYS}


def test_the_earlier_edition_is_left_as_it_was(source, manager):
    counts = {label: rows(apps.get_model(label), source).count() for label in NOT_COPIED}
    sessions = list(source.sessions.values_list("starts_at", flat=True))
    make(source, manager)
    assert {label: rows(apps.get_model(label), source).count() for label in NOT_COPIED} == counts
    assert list(source.sessions.values_list("starts_at", flat=True)) == sessions


# --- Refusals ------------------------------------------------------------------------------

# (what is given, the field refused, the refusal in English, in Spanish)
REFUSALS = [
    (
        {"slug": "crm-2021"},
        "slug",
        "Another programme already has the address “crm-2021”: choose another.",
        "Otro programa ya tiene la dirección «crm-2021»: elija otra.",
    ),
    (
        {"slug": "CRM-2021"},
        "slug",
        "Another programme already has the address “CRM-2021”",
        "Otro programa ya tiene la dirección «CRM-2021»",
    ),
    (
        {"slug": "crm 2022!"},
        "slug",
        "“crm 2022!” cannot be an address: use only letters, digits",
        "«crm 2022!» no puede ser una dirección: use solo letras, cifras",
    ),
    (
        {"slug": ""},
        "slug",
        "Give the new edition's address",
        "Indique la dirección de la nueva edición",
    ),
    (
        {"slug": "x" * 61},
        "slug",
        "The address can have at most 60 characters.",
        "La dirección puede tener como máximo 60 caracteres.",
    ),
    (
        {"title_es": ""},
        "title_es",
        "The title in Spanish cannot be empty.",
        "El título en español no puede quedar vacío.",
    ),
    (
        {"title_en": "x" * 301},
        "title_en",
        "The title in English: at most 300 characters, and this text has 301.",
        "El título en inglés: como máximo 300 caracteres, y este texto tiene 301.",
    ),
    (
        {"days": MAX_DAYS + 1},
        "days",
        "at most 3650 forward or back",
        "como máximo 3650 días hacia adelante o hacia atrás",
    ),
    (
        {"days": -MAX_DAYS - 1},
        "days",
        "at most 3650 forward or back",
        "como máximo 3650 días hacia adelante o hacia atrás",
    ),
]


@pytest.mark.parametrize(("given", "field", "english", "spanish"), REFUSALS)
@pytest.mark.parametrize("language", ["en", "es"])
def test_the_service_refuses_with_the_reason_and_saves_nothing(
    given, field, english, spanish, language, source, manager
):
    programmes = Programme.objects.count()
    with translation.override(language), pytest.raises(NewEditionError) as refused:
        make(source, manager, **given)
    assert (english if language == "en" else spanish) in refused.value.fields[field]
    assert Programme.objects.count() == programmes


def test_a_manager_of_another_programme_is_refused(source):
    other = another_programme()
    outsider = get_user_model().objects.create_user("otra.gestora@example.org", "x")
    Membership.objects.create(programme=other, user=outsider, role=Role.MANAGER)
    with translation.override("en"), pytest.raises(NewEditionError) as refused:
        make(source, outsider)
    assert "Only a manager of" in refused.value.message
    assert not Programme.objects.filter(slug="crm-2022").exists()


# --- The page ------------------------------------------------------------------------------


def page(slug="crm-2021", language="en"):
    return f"/{language}/programmes/{slug}/manage/new-edition/"


def form_data(**given):
    return {
        "slug": "crm-2022",
        "title_es": "Programa 2022",
        "title_en": "Programme 2022",
        "days": str(DAYS),
        "create": "1",
        **given,
    }


def test_the_form_starts_with_the_year_bumped_and_shows_the_dates_moved(client_as, source):
    response = client_as("manager").get(page())
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["slug"] == "crm-2022"
    assert form.initial["days"] == DAYS
    html = response.content.decode()
    # The first and last sessions, before and after, in the programme's zone named.
    assert "Tuesday 26 October 2021, 14:00–16:00" in html
    assert "Tuesday 25 October 2022, 14:00–16:00" in html
    assert "Mexico City Time (the programme&#x27;s zone)" in html


def test_showing_the_dates_for_other_days_creates_nothing(client_as, source):
    data = form_data(days="7")
    del data["create"]
    response = client_as("manager").post(page(language="es"), {**data, "preview": "1"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "martes 2 de noviembre de 2021, 14:00–16:00" in html
    assert "hora de Ciudad de México" in html
    assert not Programme.objects.filter(slug="crm-2022").exists()


def test_creating_it_leads_to_its_console_with_a_message(client_as, source, manager):
    client = client_as("manager")
    response = client.post(page(), form_data())
    assert response.status_code == 302
    assert response["Location"] == "/en/programmes/crm-2022/manage/"
    edition = Programme.objects.get(slug="crm-2022")
    assert Membership.objects.filter(programme=edition, user=manager, role="manager").exists()
    console = client.get(response["Location"])
    assert console.status_code == 200
    assert "The new edition is ready, unpublished." in console.content.decode()


@pytest.mark.parametrize(("given", "field", "english", "spanish"), REFUSALS)
@pytest.mark.parametrize("language", ["en", "es"])
def test_the_page_refuses_by_its_field_with_the_reason(
    given, field, english, spanish, language, client_as, source
):
    data = form_data(**{name: str(value) for name, value in given.items()})
    programmes = Programme.objects.count()
    response = client_as("manager").post(page(language=language), data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert (english if language == "en" else spanish) in errors[field][0]
    assert 'aria-invalid="true"' in response.content.decode()
    assert Programme.objects.count() == programmes


def test_a_number_of_days_that_is_no_number_is_refused(client_as, source):
    response = client_as("manager").post(page(language="es"), form_data(days="un año"))
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["days"]
    assert response.context["days"] is None
    assert not Programme.objects.filter(slug="crm-2022").exists()


@pytest.mark.parametrize("role", ["participant", "focal_point", "facilitator", "observer"])
def test_only_its_managers_reach_the_page(role, client_as, source):
    client = client_as(role)
    assert client.get(page()).status_code == 403
    assert client.post(page(), form_data()).status_code == 403
    assert not Programme.objects.filter(slug="crm-2022").exists()


def test_the_manager_of_another_programme_reaches_neither_page_nor_copy(client, source):
    other = another_programme()
    outsider = get_user_model().objects.create_user("otra.gestora@example.org", "x")
    Membership.objects.create(programme=other, user=outsider, role=Role.MANAGER)
    client.force_login(outsider)
    assert client.get(page()).status_code == 403
    assert client.post(page(), form_data()).status_code == 403
    assert not Programme.objects.filter(slug="crm-2022").exists()
    # Their own programme's page is theirs.
    assert client.get(page(other.slug)).status_code == 200


# --- What the form starts with ----------------------------------------------------------


def test_the_suggested_slug_is_free(demo):
    assert next_year("Programa CRM 2021–2022") == "Programa CRM 2022–2023"
    assert suggestion(demo)["slug"] == "crm-2022"
    another_programme("crm-2022")
    assert suggestion(demo)["slug"] == "crm-2022-2"
    plain = another_programme("plain")
    assert suggestion(plain)["slug"] == "plain-2"


def test_a_programme_of_texts_alone_is_copied_too(db):
    bare = another_programme()
    manager = get_user_model().objects.create_user("gestora.sola@example.org", "x")
    Membership.objects.create(programme=bare, user=manager, role=Role.MANAGER)
    edition = new_edition(
        bare, slug="otro-2032", title_es="Otro", title_en="Other", days=0, actor=manager
    )
    assert (edition.start_date, edition.description_es) == (bare.start_date, bare.description_es)
    assert not edition.sessions.exists()
