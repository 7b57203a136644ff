"""Every URL of the project against every role: the answer each one must get.

A URL pattern without its row here makes `test_every_url_pattern_has_its_rows` fail, so no
page can be added without deciding who may reach it.
"""

from __future__ import annotations

import fnmatch
import urllib.parse
from dataclasses import dataclass, field

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from capacita.access_tokens.services import create_token
from capacita.console.parts import PARTS
from capacita.programmes.models import Country, Programme

from .conftest import ROLES

User = get_user_model()
STAFF = {"manager", "superuser"}
EVERYONE = dict.fromkeys(ROLES, 200)


def answers(default: int, **by_role: int) -> dict[str, int]:
    return {role: by_role.get(role, default) for role in ROLES}


@dataclass
class Row:
    """Who gets what at one URL; `urls` builds the concrete addresses to request."""

    urls: object
    expected: dict[str, int]
    method: str = "get"
    data: dict = field(default_factory=dict)
    # The API's rows: each role calls it with a personal access token of its own account
    # (anonymous visitors with none), not with the browser's session.
    token: bool = False


def admin_model_urls(view: str):
    def build(programme):
        return [
            reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}")
            for model in admin.site._registry
        ]

    return build


EDITABLE_IN_ADMIN = (
    "countries",
    "programmes",
    "agenda",
    "evaluation",
    "certificates/certificatedesign",
    "certificates/signatory",
    "groupwork/sessionwork",
    "groupwork/workgroup",
    "case_study/factor",
    "case_study/case",
)
# Changed only through the pages that record each decision; the admin only shows them.
READ_ONLY_IN_ADMIN = (
    "nominations",
    "audit",
    "emails",
    "attendance",
    "completions",
    "certificates/certificate",
    "groupwork/answerversion",
    "case_study/assessment",
    "django_tasks_database",
)
# The login lockout's records (django-axes): superusers read them and delete one to lift a
# lockout; nobody adds one; managers do not see them (addresses and logins of everyone).
SUPERUSERS_ONLY_READ_ONLY_IN_ADMIN = ("axes",)


def admin_expected_for(url: str) -> dict[str, int]:
    """Staff managers reach programme content; only superusers reach accounts and groups."""
    app, model = (url.split("/admin/", 1)[1].split("/") + [""])[:2]
    adding = url.endswith("/add/")
    if app in SUPERUSERS_ONLY_READ_ONLY_IN_ADMIN:
        manager, superuser = 403, 403 if adding else 200
    elif app in EDITABLE_IN_ADMIN or f"{app}/{model}" in EDITABLE_IN_ADMIN:
        manager = superuser = 200
    elif app in READ_ONLY_IN_ADMIN or f"{app}/{model}" in READ_ONLY_IN_ADMIN:
        superuser = 403 if adding else 200
        manager = 403 if adding or app == "django_tasks_database" else 200
    else:
        manager, superuser = 403, 200
    return answers(302, manager=manager, superuser=superuser)


def mexican_nomination(programme):
    from capacita.nominations.models import Nomination

    return (
        Nomination.objects.filter(
            programme=programme, country__code="MX", status=Nomination.Status.SUBMITTED
        )
        .order_by("id")
        .first()
    )


def mexican_upload(programme):
    from capacita.nominations.models import NominationUpload

    upload = NominationUpload.objects.create(
        programme=programme,
        country=Country.objects.get(code="MX"),
        uploaded_by=User.objects.get(email="focal.mx@example.org"),
        filename="list.csv",
        content=b"Nombre;Apellidos;Cargo;Institucion;Correo\nAna;Prueba;Consejera;SNE;ana@example.org\n",
    )
    return upload.pk


PROGRAMME = "/es/programmes/crm-2021"
NOMINATIONS = f"{PROGRAMME}/nominations"
MANAGERS_ONLY = answers(403, anonymous=302, manager=200, superuser=200)
# The demo's focal point represents Mexico.
MEXICO = answers(403, anonymous=302, manager=200, superuser=200, focal_point=200)

MANAGERS_POST = answers(403, anonymous=302, manager=302, superuser=302)
REGISTERED = answers(
    403,
    anonymous=302,
    manager=200,
    superuser=200,
    participant=200,
    facilitator=200,
    observer=200,
)
REGISTERED_REDIRECT = {role: 302 if code == 200 else code for role, code in REGISTERED.items()}
BOARD = answers(403, anonymous=302, manager=200, superuser=200, focal_point=200)


def session_with_recording(programme):
    from capacita.agenda.models import VirtualSession

    VirtualSession.objects.filter(programme=programme, number=1).update(
        recording_url="https://recordings.example.org/crm-2021/1"
    )
    return [f"{PROGRAMME}/sessions/1/recording/"]


def demo_participant():
    return User.objects.get(email="participant.mx@example.org")


def other_participant():
    return User.objects.get(email="participant.do@example.org")


def demo_certificate(programme):
    """A valid certificate held by the demo participant (its PDF a placeholder)."""
    from .certificates.issued import issued_certificate

    return issued_certificate(programme, demo_participant(), with_file=True)


def session_2_groups():
    """The demo participant's group in session 2 (theirs) and the other group."""
    from capacita.groupwork.models import GroupMember, WorkGroup

    mine = GroupMember.objects.get(
        session_work__session__number=2, user__email="participant.mx@example.org"
    ).group
    other = WorkGroup.objects.filter(session_work=mine.session_work).exclude(pk=mine.pk).first()
    return mine, other


def session_3_group():
    from capacita.groupwork.models import GroupMember

    return GroupMember.objects.get(
        session_work__session__number=3, user__email="participant.mx@example.org"
    ).group


def group_urls(programme):
    mine, _other = session_2_groups()
    return [f"{PROGRAMME}/sessions/2/groups/{mine.pk}/"]


def other_group_urls(programme):
    _mine, other = session_2_groups()
    return [f"{PROGRAMME}/sessions/2/groups/{other.pk}/"]


def other_group_answer_urls(programme):
    _mine, other = session_2_groups()
    return [f"{PROGRAMME}/sessions/2/groups/{other.pk}/questions/{other.questions.first().pk}/"]


def part_urls(programme, page: str, *, addable=False, ordered=False) -> list[str]:
    """For each of the console's parts with an item in the demo: its list ("list"), its list
    under its first parent ("nested"), or its first item's page with `page` after it."""
    urls = []
    for part in PARTS.values():
        # A list takes a new item only while it may (one design per programme); an item is
        # removed only from a part whose items are added.
        may_add = part.can_add(programme) if page == "list" else part.addable
        if (addable and not may_add) or (ordered and not part.order):
            continue
        first = part.scope(programme).order_by("pk").first()
        if page == "list":
            if not part.parent:
                urls.append(f"{PROGRAMME}/manage/{part.key}/")
        elif page == "nested":
            if part.parent and first is not None:
                parent = part.parent_of(first)
                urls.append(f"{PROGRAMME}/manage/{part.parent}/{parent.pk}/{part.key}/")
        elif first is not None:
            urls.append(f"{PROGRAMME}/manage/{part.key}/{first.pk}/{page}")
    assert urls, page
    return urls


def demo_job(programme, kind="balance-pdf"):
    """A finished job of `kind` with its file, for the pages of one job."""
    from django.core.files.base import ContentFile

    from capacita.jobs.models import Job

    job = Job.objects.create(
        programme=programme, kind=kind, language="es", state=Job.State.DONE, file_name="f.pdf"
    )
    job.file.save("f.pdf", ContentFile(b"%PDF-1.4"), save=True)
    return job


# The managers' kinds of long work; the board's (focal points too, each their own country's)
# are checked in tests/jobs/test_board_files.py.
JOB_KINDS = (
    "certificates-zip",
    "certificates-issue",
    "balance-pdf",
    "balance-xlsx",
    "evaluation-xlsx",
    "learning-site-enrol",
    "learning-site-completion",
)
BOARD_KINDS = ("board-xlsx", "board-csv")
# A session's attendance read from Zoom: checked in tests/attendance/test_meeting_tool.py
# (managers only, for a session that names its meeting).
SESSION_KINDS = ("zoom-attendance",)
# A country's report as a PDF, for a country of hundreds: checked in
# tests/reports/test_country_pdf_in_background.py (its managers and focal point, their own).
COUNTRY_KINDS = ("country-report-pdf",)


def demo_slides():
    from django.core.files.base import ContentFile

    from capacita.agenda.models import AgendaItem, Slides

    slides = Slides(item=AgendaItem.objects.filter(kind="presentation").first(), title="Demo")
    slides.file.save("demo.pdf", ContentFile(b"%PDF-1.4 demo"), save=True)
    return slides


def own_token(programme):
    """A token of the demo participant's, for the page that revokes it: the participant's
    own, nobody else's (404)."""
    record, _token = create_token(demo_participant(), "Panel")
    return record.pk


API = "/api/v1"
API_PROGRAMME = f"{API}/programmes/crm-2021"
# The API's protected endpoints: a caller without a token gets 401, not the login page.
API_MEXICO = {**MEXICO, "anonymous": 401}
API_EVERYONE = answers(200)
API_NOMINATION = {"rows": [{"first_name": "Ana", "email": "ana.api@example.org"}]}

# Pattern name (fnmatch patterns allowed) → its row.
MATRIX: dict[str, Row] = {
    "healthz": Row(lambda p: ["/healthz"], EVERYONE),
    "readyz": Row(lambda p: ["/readyz"], EVERYONE),
    "home": Row(lambda p: ["/es/", "/en/"], answers(302)),
    # One's own home: sent to one's role's page in one's one programme (the chooser of
    # several: tests/homes/); someone without a role is told so.
    "my_home": Row(lambda p: ["/es/home/"], answers(302, outsider=200)),
    "programmes:list": Row(lambda p: ["/es/programmes/", "/en/programmes/"], EVERYONE),
    "programmes:detail": Row(
        lambda p: [f"/es/programmes/{p.slug}/", f"/en/programmes/{p.slug}/?tz=Asia/Tokyo"],
        EVERYONE,
    ),
    "programmes:calendar": Row(lambda p: [f"/en/programmes/{p.slug}/calendar.ics"], EVERYONE),
    "accounts:login": Row(lambda p: ["/es/accounts/login/"], EVERYONE),
    # A wrong or used link shows a page saying so, to anyone.
    "accounts:welcome": Row(lambda p: ["/es/accounts/welcome/MQ/bad-token/"], EVERYONE),
    # "Forgot your password?": the form, the page after it and the last page, for anyone; a
    # wrong or used link shows a page saying so. (Asking for a link: tests/accounts/.)
    "accounts:password_reset": Row(lambda p: ["/es/accounts/password-reset/"], EVERYONE),
    "accounts:password_reset_done": Row(lambda p: ["/es/accounts/password-reset/sent/"], EVERYONE),
    "accounts:password_reset_confirm": Row(
        lambda p: ["/es/accounts/password-reset/MQ/bad-token/"], EVERYONE
    ),
    "accounts:password_reset_complete": Row(
        lambda p: ["/es/accounts/password-reset/done/"], EVERYONE
    ),
    "nominations:overview": Row(
        lambda p: [f"{NOMINATIONS}/"], {**MANAGERS_ONLY, "focal_point": 302}
    ),
    "nominations:country": Row(lambda p: [f"{NOMINATIONS}/mx/"], MEXICO),
    "nominations:upload": Row(
        lambda p: [f"{NOMINATIONS}/mx/upload/"],
        answers(403, anonymous=302, manager=302, superuser=302, focal_point=302),
        method="post",
    ),
    # An uploaded list is seen only by whoever uploaded it.
    "nominations:preview": Row(
        lambda p: [f"{NOMINATIONS}/mx/uploads/{mexican_upload(p)}/"],
        {**MEXICO, "manager": 404, "superuser": 404},
    ),
    "nominations:edit": Row(
        lambda p: [f"{NOMINATIONS}/mx/{mexican_nomination(p).pk}/edit/"], MEXICO
    ),
    "nominations:withdraw": Row(
        lambda p: [f"{NOMINATIONS}/mx/{mexican_nomination(p).pk}/withdraw/"],
        answers(403, anonymous=302, manager=302, superuser=302, focal_point=302),
        method="post",
    ),
    # Decisions on every country's nominations: the managers. A decision posted without one
    # chosen comes back with its problem (400); a country's list posts with its address and
    # is sent back to it (302).
    "nominations:decide": Row(lambda p: [f"{NOMINATIONS}/decide/"], MANAGERS_ONLY),
    "nominations:decid?": Row(
        lambda p: [f"{NOMINATIONS}/decide/"],
        answers(403, anonymous=302, manager=400, superuser=400),
        method="post",
        data={"action": "accept"},
    ),
    "nominations:deci?e": Row(
        lambda p: [f"{NOMINATIONS}/decide/"],
        answers(403, anonymous=302, manager=302, superuser=302),
        method="post",
        data={"action": "accept", "next": f"{NOMINATIONS}/mx/"},
    ),
    "nominations:template": Row(
        lambda p: [f"{NOMINATIONS}/template-es.xlsx", f"{NOMINATIONS}/template-en.xlsx"],
        MEXICO,
    ),
    "nominations:focal_points": Row(
        lambda p: ["/es/programmes/crm-2021/focal-points/"], MANAGERS_ONLY
    ),
    "nominations:observers": Row(lambda p: ["/es/programmes/crm-2021/observers/"], MANAGERS_ONLY),
    "attendance:overview": Row(lambda p: [f"{PROGRAMME}/attendance/"], MANAGERS_ONLY),
    "attendance:session": Row(lambda p: [f"{PROGRAMME}/sessions/1/attendance/"], MANAGERS_ONLY),
    "attendance:upload": Row(
        lambda p: [f"{PROGRAMME}/sessions/1/attendance/upload/"], MANAGERS_POST, method="post"
    ),
    "attendance:match": Row(
        lambda p: [f"{PROGRAMME}/sessions/1/attendance/match/"], MANAGERS_POST, method="post"
    ),
    "attendance:mark": Row(
        lambda p: [f"{PROGRAMME}/sessions/1/attendance/mark/"], MANAGERS_POST, method="post"
    ),
    "attendance:unmatch": Row(
        lambda p: [f"{PROGRAMME}/sessions/1/attendance/unmatch/"], MANAGERS_POST, method="post"
    ),
    "attendance:unmark": Row(
        lambda p: [f"{PROGRAMME}/sessions/1/attendance/unmark/"], MANAGERS_POST, method="post"
    ),
    # A report nobody has: managers get 404, everyone else is stopped before.
    "attendance:remove_report": Row(
        lambda p: [f"{PROGRAMME}/sessions/1/attendance/reports/999999/remove/"],
        answers(403, anonymous=302, manager=404, superuser=404),
        method="post",
    ),
    # The tests are for the programme's participants only.
    "evaluation:answer": Row(
        lambda p: [f"{PROGRAMME}/tests/pre/", f"{PROGRAMME}/tests/post/"],
        answers(403, anonymous=302, participant=200),
    ),
    # Everyone's answers and the figures: the managers only. A participant changing the id
    # in the address reaches neither another participant's answers nor their own this way.
    "evaluation:report": Row(lambda p: [f"{PROGRAMME}/tests/report/"], MANAGERS_ONLY),
    "evaluation:report_xlsx": Row(lambda p: [f"{PROGRAMME}/tests/report.xlsx"], MANAGERS_ONLY),
    "evaluation:response": Row(
        lambda p: [
            f"{PROGRAMME}/tests/{kind}/responses/{user.pk}/"
            for kind in ("pre", "post")
            for user in (demo_participant(), other_participant())
        ],
        MANAGERS_ONLY,
    ),
    # Certificates: issued and revoked by managers; each holder downloads their own (the
    # others have none: 404), nobody another's; anyone verifies a code.
    "certificates:mine": Row(
        lambda p: [demo_certificate(p) and f"{PROGRAMME}/certificate.pdf"],
        answers(404, anonymous=302, participant=200),
    ),
    "certificates:overview": Row(lambda p: [f"{PROGRAMME}/certificates/"], MANAGERS_ONLY),
    "certificates:archive": Row(lambda p: [f"{PROGRAMME}/certificates.zip"], MANAGERS_ONLY),
    "certificates:pdf": Row(
        lambda p: [f"{PROGRAMME}/certificates/{demo_certificate(p).pk}/certificate.pdf"],
        MANAGERS_ONLY,
    ),
    "certificates:issue_all": Row(
        lambda p: [f"{PROGRAMME}/certificates/issue/"], MANAGERS_POST, method="post"
    ),
    # Nobody has the id 0: managers get 404, everyone else is stopped before.
    "certificates:issue_one": Row(
        lambda p: [f"{PROGRAMME}/certificates/by-hand/"],
        answers(403, anonymous=302, manager=404, superuser=404),
        method="post",
        data={"user": "0", "reason": ""},
    ),
    "certificates:revoke": Row(
        lambda p: [f"{PROGRAMME}/certificates/{demo_certificate(p).pk}/revoke/"],
        MANAGERS_POST,
        method="post",
        data={"reason": "Prueba"},
    ),
    "certificates:reissue": Row(
        lambda p: [f"{PROGRAMME}/certificates/{demo_certificate(p).pk}/reissue/"],
        MANAGERS_POST,
        method="post",
        data={"reason": "Nombre corregido"},
    ),
    "verification:lookup": Row(lambda p: ["/es/verify/"], answers(200)),
    "verification:verify": Row(
        lambda p: [f"/es/verify/{demo_certificate(p).formatted_code}/"], answers(200)
    ),
    # Group work: members write in their group; facilitators and managers read every group
    # and the plenary; participants read other groups only once the plenary is open.
    "groupwork:mine": Row(
        lambda p: [f"{PROGRAMME}/sessions/2/group/"], answers(200, anonymous=302, participant=302)
    ),
    "groupwork:group": Row(
        group_urls,
        answers(403, anonymous=302, participant=200, facilitator=200, manager=200, superuser=200),
    ),
    "groupwork:save_answer": Row(
        lambda p: [
            f"{url}questions/{session_2_groups()[0].questions.first().pk}/" for url in group_urls(p)
        ],
        answers(403, anonymous=302, participant=302),
        method="post",
        data={"version": "0", "text": "Capacidades"},
    ),
    # Another group's page and its answer, before the plenary opens: not for the participant.
    # (Second rows for the same patterns: their keys match the names by wildcard.)
    "groupwork:grou?": Row(
        other_group_urls,
        answers(403, anonymous=302, facilitator=200, manager=200, superuser=200),
    ),
    "groupwork:save_answe?": Row(
        other_group_answer_urls, answers(403, anonymous=302), method="post", data={"text": "x"}
    ),
    "groupwork:plenary": Row(
        lambda p: [f"{PROGRAMME}/sessions/2/plenary/", f"{PROGRAMME}/sessions/2/plenary.pdf"],
        answers(403, anonymous=302, facilitator=200, manager=200, superuser=200),
    ),
    "groupwork:plenary_pdf": Row(
        lambda p: [f"{PROGRAMME}/sessions/3/plenary.pdf"],
        answers(403, anonymous=302, facilitator=200, manager=200, superuser=200),
    ),
    "groupwork:organise": Row(lambda p: [f"{PROGRAMME}/sessions/2/groups/"], MANAGERS_ONLY),
    "groupwork:assign": Row(
        lambda p: [f"{PROGRAMME}/sessions/3/groups/assign/"], MANAGERS_POST, method="post"
    ),
    # Nobody named: managers get 404, everyone else is stopped before.
    "groupwork:place": Row(
        lambda p: [f"{PROGRAMME}/sessions/2/groups/place/"],
        answers(403, anonymous=302, manager=404, superuser=404),
        method="post",
    ),
    "groupwork:toggle_plenary": Row(
        lambda p: [f"{PROGRAMME}/sessions/2/plenary/toggle/"],
        MANAGERS_POST,
        method="post",
        data={"open": "1"},
    ),
    # The case assessment of the participant's group in session 3: members write; the
    # facilitators and managers read; participants of other groups read once the plenary opens.
    "case_study:assessment": Row(
        lambda p: [f"{PROGRAMME}/sessions/3/groups/{session_3_group().pk}/assessment/"],
        answers(403, anonymous=302, participant=200, facilitator=200, manager=200, superuser=200),
    ),
    "case_study:add_factor": Row(
        lambda p: [f"{PROGRAMME}/sessions/3/groups/{session_3_group().pk}/assessment/factors/"],
        answers(403, anonymous=302, participant=302),
        method="post",
        data={"level": "individual", "kind": "risk", "custom_name": "Idioma", "note": ""},
    ),
    "case_study:remove_factor": Row(
        lambda p: [
            f"{PROGRAMME}/sessions/3/groups/{session_3_group().pk}/assessment/factors/999999/remove/"
        ],
        answers(403, anonymous=302, participant=302),
        method="post",
    ),
    "case_study:conclusions": Row(
        lambda p: [f"{PROGRAMME}/sessions/3/groups/{session_3_group().pk}/assessment/conclusions/"],
        answers(403, anonymous=302, participant=302),
        method="post",
        data={"needs": "Regularización", "referrals": "Servicio de empleo"},
    ),
    # A country's report: its focal point and the managers; the balance: the managers.
    "reports:country": Row(lambda p: [f"{PROGRAMME}/reports/MX/"], MEXICO),
    # The country reports as one page: a focal point of one country goes straight to its own.
    "reports:countries": Row(lambda p: [f"{PROGRAMME}/reports/"], {**MEXICO, "focal_point": 302}),
    # The organisers' console: the programme's managers.
    "console:home": Row(lambda p: [f"{PROGRAMME}/manage/"], MANAGERS_ONLY),
    "console:settings": Row(lambda p: [f"{PROGRAMME}/manage/settings/"], MANAGERS_ONLY),
    "console:people": Row(lambda p: [f"{PROGRAMME}/manage/people/"], MANAGERS_ONLY),
    "console:countries": Row(lambda p: [f"{PROGRAMME}/manage/countries/"], MANAGERS_ONLY),
    # Quotas that are not numbers come back with their problems (400), nothing saved.
    "console:countrie?": Row(
        lambda p: [f"{PROGRAMME}/manage/countries/"],
        answers(403, anonymous=302, manager=400, superuser=400),
        method="post",
        data={"quota-0": "x"},
    ),
    # A form that is not an address comes back with a message; nothing changes.
    "console:link_person": Row(
        lambda p: [f"{PROGRAMME}/manage/people/{p.people.order_by('pk').first().pk}/link/"],
        MANAGERS_POST,
        method="post",
        data={"email": "x"},
    ),
    # An empty form comes back with its problems (400), nothing saved.
    "console:setting?": Row(
        lambda p: [f"{PROGRAMME}/manage/settings/"],
        answers(403, anonymous=302, manager=400, superuser=400),
        method="post",
        data={"title_es": ""},
    ),
    "console:test_window": Row(
        lambda p: [f"{PROGRAMME}/manage/tests/pre/window/"],
        MANAGERS_POST,
        method="post",
        data={"state": "auto"},
    ),
    # A new edition from this programme: its managers. An empty form comes back with its
    # problems (400), nothing made.
    "console:new_edition": Row(lambda p: [f"{PROGRAMME}/manage/new-edition/"], MANAGERS_ONLY),
    "console:new_editio?": Row(
        lambda p: [f"{PROGRAMME}/manage/new-edition/"],
        answers(403, anonymous=302, manager=400, superuser=400),
        method="post",
        data={"create": "1"},
    ),
    # The login lockouts of the programme's people: its managers. Lifting the lockout of a
    # participant who has none changes nothing and says so on the page (302).
    "console:lockouts": Row(lambda p: [f"{PROGRAMME}/manage/lockouts/"], MANAGERS_ONLY),
    "console:lift_lockout": Row(
        lambda p: [f"{PROGRAMME}/manage/lockouts/{demo_participant().pk}/lift/"],
        MANAGERS_POST,
        method="post",
    ),
    # The programme's parts edited in the console (every part: its list, its first item's
    # page, moving it, the confirmation before removing it): the programme's managers. An
    # empty form to add an item comes back with its problems (400), nothing saved.
    "console:part": Row(lambda p: part_urls(p, "list"), MANAGERS_ONLY),
    "console:par?": Row(
        lambda p: part_urls(p, "list", addable=True),
        answers(403, anonymous=302, manager=400, superuser=400),
        method="post",
    ),
    "console:nested_part": Row(lambda p: part_urls(p, "nested"), MANAGERS_ONLY),
    "console:part_item": Row(lambda p: part_urls(p, ""), MANAGERS_ONLY),
    "console:part_remove": Row(lambda p: part_urls(p, "remove/", addable=True), MANAGERS_ONLY),
    # A preview of the certificate as a holder receives it: the programme's managers.
    "console:certificate_preview": Row(
        lambda p: [f"{PROGRAMME}/manage/certificates/preview.pdf?language=both"], MANAGERS_ONLY
    ),
    # The pre-test's knowledge questions copied into the post-test: the demo's post-test has
    # answers, so nothing is copied and the page says why (302).
    "console:copy_knowledge": Row(
        lambda p: [f"{PROGRAMME}/manage/tests/copy-knowledge/"], MANAGERS_POST, method="post"
    ),
    "console:part_move": Row(
        lambda p: part_urls(p, "move/", ordered=True),
        MANAGERS_POST,
        method="post",
        data={"direction": "down"},
    ),
    "reports:countr?": Row(lambda p: [f"{PROGRAMME}/reports/GT/"], MANAGERS_ONLY),
    "reports:country_document": Row(
        lambda p: [f"{PROGRAMME}/reports/MX.pdf", f"{PROGRAMME}/reports/MX.xlsx"], MEXICO
    ),
    "reports:country_documen?": Row(lambda p: [f"{PROGRAMME}/reports/GT.xlsx"], MANAGERS_ONLY),
    "reports:balance": Row(lambda p: [f"{PROGRAMME}/balance/"], MANAGERS_ONLY),
    # Long work (`capacita.jobs`): each kind's page, one job's page and its file.
    "jobs:start": Row(lambda p: [f"{PROGRAMME}/jobs/{kind}/" for kind in JOB_KINDS], MANAGERS_ONLY),
    "jobs:job": Row(
        lambda p: [f"{PROGRAMME}/jobs/{demo_job(p, kind).pk}/" for kind in JOB_KINDS],
        MANAGERS_ONLY,
    ),
    "jobs:download": Row(lambda p: [f"{PROGRAMME}/jobs/{demo_job(p).pk}/file.pdf"], MANAGERS_ONLY),
    "reports:balance_document": Row(
        lambda p: [f"{PROGRAMME}/balance.pdf", f"{PROGRAMME}/balance.xlsx"], MANAGERS_ONLY
    ),
    "reports:narrative": Row(
        lambda p: [f"{PROGRAMME}/balance/narrative/"],
        MANAGERS_POST,
        method="post",
        data={"recommendations": "x", "lessons": "y"},
    ),
    # Personal data: each registered person downloads their own and may ask for its removal;
    # managers anonymise (an empty form comes back with its errors: 400).
    "privacy:my_data": Row(lambda p: [f"{PROGRAMME}/me/data.json"], REGISTERED),
    "privacy:request_removal": Row(lambda p: [f"{PROGRAMME}/me/removal/"], REGISTERED),
    "privacy:overview": Row(lambda p: [f"{PROGRAMME}/personal-data/"], MANAGERS_ONLY),
    "privacy:retention": Row(
        lambda p: [f"{PROGRAMME}/personal-data/retention/"],
        answers(403, anonymous=302, manager=400, superuser=400),
        method="post",
    ),
    "privacy:anonymise_person": Row(
        lambda p: [f"{PROGRAMME}/personal-data/anonymise-person/"],
        answers(403, anonymous=302, manager=400, superuser=400),
        method="post",
    ),
    "privacy:anonymise_programme": Row(
        lambda p: [f"{PROGRAMME}/personal-data/anonymise-programme/"],
        answers(403, anonymous=302, manager=400, superuser=400),
        method="post",
    ),
    "audit:events": Row(lambda p: [f"{PROGRAMME}/audit/"], MANAGERS_ONLY),
    "audit:export": Row(
        lambda p: [f"{PROGRAMME}/audit.csv", f"{PROGRAMME}/audit.xlsx"], MANAGERS_ONLY
    ),
    "completions:overview": Row(lambda p: [f"{PROGRAMME}/courses/"], MANAGERS_ONLY),
    "completions:moodle_users": Row(
        lambda p: [f"{PROGRAMME}/courses/moodle-users.csv"], MANAGERS_ONLY
    ),
    "completions:course": Row(lambda p: [f"{PROGRAMME}/courses/migration-trends/"], MANAGERS_ONLY),
    "completions:upload": Row(
        lambda p: [f"{PROGRAMME}/courses/migration-trends/upload/"],
        MANAGERS_POST,
        method="post",
    ),
    "completions:mark": Row(
        lambda p: [f"{PROGRAMME}/courses/migration-trends/mark/"],
        MANAGERS_POST,
        method="post",
    ),
    "completions:unmark": Row(
        lambda p: [f"{PROGRAMME}/courses/migration-trends/unmark/"],
        MANAGERS_POST,
        method="post",
    ),
    # A registered person's own page: participants, observers, facilitators, managers.
    "progress:mine": Row(lambda p: [f"{PROGRAMME}/me/"], REGISTERED),
    "progress:reminders": Row(
        lambda p: [f"{PROGRAMME}/me/reminders/"],
        {**REGISTERED, **{r: 302 for r, code in REGISTERED.items() if code == 200}},
        method="post",
    ),
    "progress:board": Row(lambda p: [f"{PROGRAMME}/board/"], BOARD),
    "progress:export": Row(lambda p: [f"{PROGRAMME}/board.xlsx", f"{PROGRAMME}/board.csv"], BOARD),
    # The demo participant is Mexican: the focal point of Mexico follows them.
    "progress:participant": Row(
        lambda p: [f"{PROGRAMME}/participants/{demo_participant().pk}/"],
        {**BOARD, "participant": 200},
    ),
    "agenda:recording": Row(session_with_recording, REGISTERED_REDIRECT),
    "agenda:slides": Row(
        lambda p: [f"{PROGRAMME}/slides/{demo_slides().pk}/"], REGISTERED_REDIRECT
    ),
    # One's part in the agenda: the programme's facilitators and speakers, and its managers.
    "agenda:my_items": Row(
        lambda p: [f"{PROGRAMME}/my-items/"],
        answers(403, anonymous=302, facilitator=200, manager=200, superuser=200),
    ),
    # Slides for an item: its own people (the demo facilitator has no part in the agenda) and
    # the managers, whose empty form comes back with its errors.
    "agenda:add_slides": Row(
        lambda p: [f"{PROGRAMME}/my-items/{demo_slides().item_id}/slides/"],
        MANAGERS_ONLY,
        method="post",
    ),
    # Taking slides down: who uploaded them (nobody of the demo) and the managers.
    "agenda:remove_slides": Row(
        lambda p: [f"{PROGRAMME}/slides/{demo_slides().pk}/remove/"],
        MANAGERS_POST,
        method="post",
    ),
    # A link made for nobody in particular opens nothing for anyone.
    "files:open": Row(lambda p: ["/es/files/not-a-signed-link/"], answers(403, anonymous=302)),
    "accounts:logout": Row(lambda p: ["/es/accounts/logout/"], answers(302), method="post"),
    # One's own access tokens: each signed-in person's page; a token is revoked by its owner.
    "access_tokens:list": Row(lambda p: ["/es/accounts/tokens/"], answers(200, anonymous=302)),
    "access_tokens:revoke": Row(
        lambda p: [f"/es/accounts/tokens/{own_token(p)}/revoke/"],
        answers(404, anonymous=302, participant=302),
        method="post",
    ),
    # The API's reference page and description: for anyone.
    "api_reference": Row(lambda p: ["/es/api/v1/reference/", "/en/api/v1/reference/"], EVERYONE),
    # The API's own root names no resource: the reference page is elsewhere.
    "api:api-root": Row(lambda p: [f"{API}/"], answers(404), token=True),
    "api:openapi-json": Row(lambda p: [f"{API}/openapi.json"], API_EVERYONE, token=True),
    # Programmes, agendas and certificate verification: public, with a token or without.
    "api:programmes": Row(lambda p: [f"{API}/programmes"], API_EVERYONE, token=True),
    "api:agenda": Row(
        lambda p: [f"{API_PROGRAMME}/agenda", f"{API_PROGRAMME}/agenda?tz=America/Guatemala"],
        API_EVERYONE,
        token=True,
    ),
    "api:certificate": Row(
        lambda p: [f"{API}/certificates/{demo_certificate(p).formatted_code}"],
        API_EVERYONE,
        token=True,
    ),
    # A country's nominations (listed; a list checked, not saved): its focal points and the
    # managers, as on the pages.
    "api:nominations": Row(
        lambda p: [f"{API_PROGRAMME}/countries/mx/nominations"], API_MEXICO, token=True
    ),
    "api:nominate": Row(
        lambda p: [f"{API_PROGRAMME}/countries/mx/nominations"],
        API_MEXICO,
        method="post",
        data=API_NOMINATION,
        token=True,
    ),
    # Progress and a country's report: the managers, and a focal point for their country.
    "api:progress": Row(lambda p: [f"{API_PROGRAMME}/progress"], API_MEXICO, token=True),
    "api:country_report": Row(
        lambda p: [f"{API_PROGRAMME}/reports/countries/mx"], API_MEXICO, token=True
    ),
    "admin:index": Row(lambda p: ["/es/admin/"], answers(302, manager=200, superuser=200)),
    "admin:login": Row(lambda p: ["/es/admin/login/"], answers(200, manager=302, superuser=302)),
    "admin:logout": Row(lambda p: ["/es/admin/logout/"], answers(302), method="post"),
    "admin:password_change": Row(
        lambda p: ["/es/admin/password_change/"], answers(302, manager=200, superuser=200)
    ),
    "admin:password_change_done": Row(
        lambda p: ["/es/admin/password_change/done/"], answers(302, manager=200, superuser=200)
    ),
    "admin:jsi18n": Row(lambda p: ["/es/admin/jsi18n/"], answers(302, manager=200, superuser=200)),
    "admin:autocomplete": Row(
        lambda p: ["/es/admin/autocomplete/"], answers(302, manager=403, superuser=403)
    ),
    "admin:app_list": Row(
        lambda p: ["/es/admin/programmes/", "/es/admin/agenda/"],
        answers(302, manager=200, superuser=200),
    ),
    "admin:view_on_site": Row(
        lambda p: [reverse("admin:view_on_site", args=[0, 0])],
        answers(302, manager=404, superuser=404),
    ),
    "admin:*_changelist": Row(admin_model_urls("changelist"), {}),
    "admin:*_add": Row(admin_model_urls("add"), {}),
    # Object pages are reached from the change lists above; their access is the model's.
    "admin:*_change": Row(None, {}),
    "admin:*_delete": Row(None, {}),
    "admin:*_history": Row(None, {}),
    "admin:auth_user_password_change": Row(None, {}),
    # The admin's catch-all: unknown admin addresses.
    "admin:<unnamed>": Row(
        lambda p: ["/es/admin/no-such-page/"], answers(302, manager=404, superuser=404)
    ),
}


def all_pattern_names(resolver=None, namespace="") -> list[str]:
    names = []
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names += all_pattern_names(entry, inner)
        elif isinstance(entry, URLPattern):
            names.append(f"{namespace}{entry.name}" if entry.name else f"{namespace}<unnamed>")
    return names


def row_for(name: str) -> Row | None:
    if name in MATRIX:
        return MATRIX[name]
    for key, row in MATRIX.items():
        if fnmatch.fnmatchcase(name, key):
            return row
    return None


def test_every_url_pattern_has_its_rows():
    missing = sorted({name for name in all_pattern_names() if row_for(name) is None})
    assert missing == [], f"URL patterns without access-matrix rows: {missing}"


def test_every_kind_of_long_work_is_checked():
    # The registry is filled when the apps are ready.
    from capacita.jobs.kinds import REGISTRY

    assert sorted(REGISTRY) == sorted(JOB_KINDS + BOARD_KINDS + SESSION_KINDS + COUNTRY_KINDS)


def test_the_matrix_names_no_pattern_that_is_gone():
    names = all_pattern_names()
    stale = [key for key in MATRIX if not any(fnmatch.fnmatchcase(n, key) for n in names)]
    assert stale == []


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", [key for key, row in MATRIX.items() if row.urls])
def test_each_role_gets_its_answer(name, role, client_as, programme, users):
    row = MATRIX[name]
    client = client_as(None if row.token else role)
    headers = {}
    if row.token and role != "anonymous":
        headers = {"Authorization": f"Bearer {create_token(users[role], role)[1]}"}
    for url in row.urls(programme):
        expected = row.expected.get(role) if row.expected else admin_expected_for(url)[role]
        if row.token and row.method == "post":
            response = client.post(url, row.data, content_type="application/json", headers=headers)
        else:
            response = getattr(client, row.method)(url, row.data, headers=headers)
        assert response.status_code == expected, f"{role} {row.method.upper()} {url}"
        # Where a visitor who is not signed in is sent away but not everyone is, it is to log
        # in and come back: no page's own test needs to say so again.
        redirects_everyone = set(row.expected.values()) == {302}
        if role == "anonymous" and expected == 302 and not redirects_everyone:
            assert sent_to_log_in(response, url), f"{url} sent to {response['Location']}"


def sent_to_log_in(response, url: str) -> bool:
    """Sent to the login page in the address's language (the administration site's own for
    its pages), with the address to come back to."""
    language = url.split("/")[1]
    in_admin = url.startswith(f"/{language}/admin/")
    with translation.override(language):
        login = reverse("admin:login" if in_admin else "accounts:login")
    location = urllib.parse.urlsplit(response["Location"])
    return location.path == login and urllib.parse.parse_qs(location.query).get("next") == [url]


@pytest.mark.parametrize("role", ROLES)
def test_an_unpublished_programme_is_only_for_its_managers(role, client_as, programme):
    Programme.objects.filter(pk=programme.pk).update(is_published=False)
    client = client_as(role)
    expected = 200 if role in STAFF else 404
    for url in (
        f"/es/programmes/{programme.slug}/",
        f"/es/programmes/{programme.slug}/calendar.ics",
    ):
        assert client.get(url).status_code == expected, f"{role} {url}"
    listed = programme.title_es in client.get("/es/programmes/").content.decode()
    assert listed == (role in STAFF)


def test_a_manager_sees_only_the_programmes_they_manage_in_the_admin(client_as, programme, users):
    other = Programme.objects.create(
        slug="other-programme",
        title_es="Otro programa",
        title_en="Another programme",
        description_es="-",
        description_en="-",
        general_objective_es="-",
        general_objective_en="-",
        time_zone="UTC",
        start_date=programme.start_date,
        end_date=programme.end_date,
    )
    client = client_as("manager")
    listing = client.get("/en/admin/programmes/programme/").content.decode()
    assert programme.title_es in listing
    assert other.title_es not in listing
    assert client.get(f"/en/admin/programmes/programme/{other.pk}/change/").status_code == 302
    assert client.get(f"/en/admin/programmes/programme/{programme.pk}/change/").status_code == 200


GUATEMALA_URLS = [
    f"{NOMINATIONS}/gt/",
    f"{NOMINATIONS}/gt/upload/",
    f"{NOMINATIONS}/gt/{{nomination}}/edit/",
    f"{NOMINATIONS}/gt/{{nomination}}/withdraw/",
]


def test_a_focal_point_of_mexico_reaches_nothing_of_guatemala(client_as, programme):
    from capacita.nominations.models import Nomination

    guatemalan = Nomination.objects.filter(programme=programme, country__code="GT").first()
    client = client_as("focal_point")
    for url in GUATEMALA_URLS:
        url = url.format(nomination=guatemalan.pk)
        response = client.post(url) if url.endswith(("upload/", "withdraw/")) else client.get(url)
        assert response.status_code == 403, url
    assert Nomination.objects.filter(pk=guatemalan.pk).exists()
    # Nor does the Mexican list show anyone of Guatemala.
    page = client.get(f"{NOMINATIONS}/mx/").content.decode()
    assert guatemalan.email not in page
