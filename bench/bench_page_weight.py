"""Benchmark: the weight of every page, everything it loads included, and no other host.

    .venv/bin/python bench/bench_page_weight.py [--only-participant] [--skip-admin]

The requirement: every participant-facing page weighs less than 60 KB gzip-compressed,
everything included, and makes no request to another host. This script

1. makes a throw-away SQLite database in a temporary folder and migrates it, with the static
   files collected there by the production storage (hashed names, as WhiteNoise serves them
   with DEBUG=0) and the media in that folder too (it never touches ./var or the database of
   DATABASE_URL), and removes it all at the end;
2. loads the demo (`capacita.development.demo.load_demo()`: the 2021 programme and its
   accounts) and adds
   what some pages need to show something: a certificate for the demo participant (its PDF a
   placeholder), a nominations list uploaded by Mexico's focal point, an invitation link;
3. walks every URL pattern of the resolver: each page that renders HTML with GET is fetched
   with Django's test client, in Spanish and in English, as the role that sees it (anonymous
   and the demo participant for public pages, the participant for theirs, Mexico's focal
   point for the nomination pages and Mexico's report, the manager for the rest, a superuser
   for the admin pages only superusers reach); file downloads, POST-only addresses and
   redirects are listed with the reason they are not measured;
4. follows everything the HTML loads through the same client: style sheets (and their
   `@import`s), scripts, images and icons, and the fonts and images the CSS names with
   `url(…)` (all of them, used or not: an upper bound of what a browser fetches);
5. prints, per page, the bytes of the HTML, CSS, scripts, fonts and images, uncompressed and
   gzip-compressed (level 6, each resource on its own, as a server sends them; the test client
   does not compress), the references to another host in what the page loads (links to other
   sites are not loads and do not count), and for participant-facing pages (public pages and
   those the participant reaches, the admin's excepted) PASS or FAIL against 60 KB;
   then the heaviest pages and the overall verdict.

Exit status 1 if any participant-facing page is over budget or any page loads anything from
another host. It is a benchmark, not a test: pytest does not collect it (it lives outside
tests/); tests/browser/test_page_weight_in_browser.py checks the same budget in Chromium.
"""

from __future__ import annotations

import argparse
import gzip
import logging
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

BUDGET = 60 * 1024
ROOT = Path(__file__).resolve().parent.parent
SITE = "http://testserver"
LANGUAGES = ("es", "en")
KINDS = ("html", "css", "js", "font", "image")
PUBLIC = ("anonymous", "participant")
EMAILS = {
    "participant": "participant.mx@example.org",
    "focal_point": "focal.mx@example.org",
    "manager": "manager@example.org",
    "superuser": "bench-superuser@example.org",
}
EXTENSIONS = {
    "css": "css",
    "js": "js",
    "mjs": "js",
    "woff2": "font",
    "woff": "font",
    "ttf": "font",
    "otf": "font",
    "eot": "font",
    **dict.fromkeys(("png", "jpg", "jpeg", "gif", "svg", "webp", "avif", "ico", "bmp"), "image"),
}
# A route ending like these serves a file to save, not a page to read.
DOWNLOAD = re.compile(r"\.(pdf|xlsx|csv|ics|zip|json)\b|\.<str:fmt>|\(\?P<fmt>")


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--only-participant", action="store_true", help="measure participant-facing pages only"
    )
    parser.add_argument("--skip-admin", action="store_true", help="leave the admin site out")
    return parser.parse_args()


def setup_django(folder: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ["CAPACITA_VAR_DIR"] = str(folder)
    os.environ["STATIC_ROOT"] = str(folder / "static")
    os.environ["MEDIA_ROOT"] = str(folder / "media")
    os.environ["PRIVATE_MEDIA_ROOT"] = str(folder / "private")
    # Production's settings (DEBUG=0): the manifest storage, WhiteNoise serving STATIC_ROOT.
    os.environ["DEBUG"] = "0"
    os.environ["DJANGO_SETTINGS_MODULE"] = "capacita.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    # Django logs each 403 and 404 the walk meets, with its traceback; the table says it all.
    logging.getLogger("django").setLevel(logging.ERROR)
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)


# ---------------------------------------------------------------------------------------------
# The demo and what the pages need


@dataclass
class Demo:
    slug: str
    participant: int
    group_2: int
    group_3: int
    other_participant: int
    nomination: int
    upload: int
    certificate: str
    course: str
    welcome: str


def load_data() -> Demo:
    from django.contrib.auth import get_user_model
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from capacita.accounts.invitations import welcome_url
    from capacita.certificates import codes
    from capacita.certificates.models import Certificate
    from capacita.development.demo import load_demo
    from capacita.evaluation.models import Questionnaire
    from capacita.groupwork.models import GroupMember
    from capacita.nominations.models import Nomination, NominationUpload
    from capacita.programmes.models import Country, Course

    programme, _accounts = load_demo()
    # Open both tests whatever today's date: a closed test shows a line, not its form.
    Questionnaire.objects.filter(programme=programme).update(manual_state="open")
    User = get_user_model()
    User.objects.create_superuser(EMAILS["superuser"], None, first_name="Bench", last_name="Root")
    participant = User.objects.get(email=EMAILS["participant"])
    certificate = Certificate(
        programme=programme,
        user=participant,
        code=codes.new_code(),
        holder_name=participant.get_full_name(),
        language="es",
        issued_at=timezone.now(),
    )
    certificate.pdf.save(f"{certificate.code}.pdf", ContentFile(b"%PDF-1.4 placeholder"))
    upload = NominationUpload.objects.create(
        programme=programme,
        country=Country.objects.get(code="MX"),
        uploaded_by=User.objects.get(email=EMAILS["focal_point"]),
        filename="lista.csv",
        content=(
            b"Nombre;Apellidos;Cargo;Institucion;Correo\n"
            b"Ana;Prueba;Consejera;SNE;ana.prueba@example.org\n"
        ),
    )

    def group(number):
        return GroupMember.objects.get(
            session_work__session__number=number, user=participant
        ).group_id

    # Someone the bench never logs in as: logging in would void the invitation's token.
    invited = User.objects.get(email="nominee.do.01@example.org")
    return Demo(
        slug=programme.slug,
        participant=participant.pk,
        group_2=group(2),
        group_3=group(3),
        other_participant=User.objects.get(email="participant.do@example.org").pk,
        nomination=Nomination.objects.filter(
            programme=programme, country__code="MX", status=Nomination.Status.SUBMITTED
        )
        .order_by("id")
        .first()
        .pk,
        upload=upload.pk,
        certificate=certificate.formatted_code,
        course=Course.objects.filter(programme=programme).order_by("position").first().code,
        welcome=urlsplit(welcome_url(invited)).path.split("/", 2)[2],
    )


# ---------------------------------------------------------------------------------------------
# Which pages, as whom


@dataclass
class Spec:
    """Paths after the language prefix, and the roles to fetch them as."""

    paths: Callable[[Demo], list[str]]
    roles: tuple[str, ...]
    follow: bool = False  # the invitation link hands over to its own form by a redirect


def programme(path: str) -> Callable[[Demo], list[str]]:
    return lambda d: [f"programmes/{d.slug}/{path}".format(d=d)]


PAGES: dict[str, Spec] = {
    "programmes:list": Spec(lambda d: ["programmes/"], PUBLIC),
    "programmes:detail": Spec(programme(""), PUBLIC),
    "accounts:login": Spec(lambda d: ["accounts/login/"], ("anonymous",)),
    "accounts:welcome": Spec(lambda d: [d.welcome], ("anonymous",), follow=True),
    "verification:lookup": Spec(lambda d: ["verify/"], PUBLIC),
    "verification:verify": Spec(lambda d: [f"verify/{d.certificate}/"], PUBLIC),
    "progress:mine": Spec(programme("me/"), ("participant",)),
    "progress:participant": Spec(programme("participants/{d.participant}/"), ("participant",)),
    "evaluation:answer": Spec(
        lambda d: [f"programmes/{d.slug}/tests/pre/", f"programmes/{d.slug}/tests/post/"],
        ("participant",),
    ),
    "groupwork:group": Spec(programme("sessions/2/groups/{d.group_2}/"), ("participant",)),
    "case_study:assessment": Spec(
        programme("sessions/3/groups/{d.group_3}/assessment/"), ("participant",)
    ),
    "privacy:request_removal": Spec(programme("me/removal/"), ("participant",)),
    "nominations:country": Spec(programme("nominations/mx/"), ("focal_point",)),
    "nominations:preview": Spec(programme("nominations/mx/uploads/{d.upload}/"), ("focal_point",)),
    "nominations:edit": Spec(programme("nominations/mx/{d.nomination}/edit/"), ("focal_point",)),
    "reports:country": Spec(programme("reports/MX/"), ("focal_point",)),
    "nominations:overview": Spec(programme("nominations/"), ("manager",)),
    "nominations:focal_points": Spec(programme("focal-points/"), ("manager",)),
    "nominations:observers": Spec(programme("observers/"), ("manager",)),
    "attendance:overview": Spec(programme("attendance/"), ("manager",)),
    "attendance:session": Spec(programme("sessions/1/attendance/"), ("manager",)),
    "completions:overview": Spec(programme("courses/"), ("manager",)),
    "completions:course": Spec(programme("courses/{d.course}/"), ("manager",)),
    "progress:board": Spec(programme("board/"), ("manager",)),
    "evaluation:report": Spec(programme("tests/report/"), ("manager",)),
    "evaluation:response": Spec(
        lambda d: [
            f"programmes/{d.slug}/tests/{kind}/responses/{d.participant}/"
            for kind in ("pre", "post")
        ],
        ("manager",),
    ),
    "certificates:overview": Spec(programme("certificates/"), ("manager",)),
    "groupwork:organise": Spec(programme("sessions/2/groups/"), ("manager",)),
    "groupwork:plenary": Spec(programme("sessions/2/plenary/"), ("manager",)),
    "reports:balance": Spec(programme("balance/"), ("manager",)),
    "audit:events": Spec(programme("audit/"), ("manager",)),
    "privacy:overview": Spec(programme("personal-data/"), ("manager",)),
}

# Patterns that are no page to weigh, and why. Downloads are also recognised by their route.
NOT_PAGES = {
    "healthz": "health check for the load balancer (plain text)",
    "readyz": "readiness check for the load balancer (plain text)",
    "home": "redirects to the programme list (measured)",
    "groupwork:mine": "redirects to the participant's group page (measured)",
    "agenda:recording": "redirects to a signed link to the recording",
    "agenda:slides": "redirects to a signed link to the slides file",
    "files:open": "a signed link to a private file: a download",
    "admin:jsi18n": "the admin's JavaScript catalogue (counted with the admin pages loading it)",
    "admin:autocomplete": "JSON for the admin's autocomplete widgets",
    "admin:view_on_site": "redirects to an object's public page",
    "admin:<unnamed>": "redirects to the change page, or the admin's catch-all for unknown paths",
    "admin:logout": "POST only",
}
POST_ONLY = {
    "nominations:decide",
    "nominations:upload",
    "nominations:withdraw",
    "attendance:upload",
    "attendance:match",
    "attendance:mark",
    "attendance:remove_report",
    "completions:upload",
    "completions:mark",
    "progress:reminders",
    "certificates:issue_all",
    "certificates:issue_one",
    "certificates:revoke",
    "certificates:reissue",
    "groupwork:save_answer",
    "groupwork:assign",
    "groupwork:place",
    "groupwork:toggle_plenary",
    "case_study:add_factor",
    "case_study:remove_factor",
    "case_study:conclusions",
    "reports:narrative",
    "privacy:retention",
    "privacy:anonymise_person",
    "privacy:anonymise_programme",
    "accounts:logout",
}


def admin_pages() -> list[tuple[str, str]]:
    """(pattern name, path after the language prefix) of every admin page, an object's pages
    for the first object of each model."""
    from django.contrib import admin
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    def strip(url: str) -> str:
        return url.split("/", 2)[2]  # "/es/admin/…" → "admin/…"

    pages = [
        ("admin:index", strip(reverse("admin:index"))),
        ("admin:login", strip(reverse("admin:login"))),
        ("admin:password_change", strip(reverse("admin:password_change"))),
        ("admin:password_change_done", strip(reverse("admin:password_change_done"))),
    ]
    labels = sorted({model._meta.app_label for model in admin.site._registry})
    pages += [("admin:app_list", strip(reverse("admin:app_list", args=[a]))) for a in labels]
    for model in sorted(admin.site._registry, key=lambda m: m._meta.label):
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        pages += [(f"{prefix}_changelist", strip(reverse(f"{prefix}_changelist")))]
        pages += [(f"{prefix}_add", strip(reverse(f"{prefix}_add")))]
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            for view in ("change", "history", "delete"):
                pages += [(f"{prefix}_{view}", strip(reverse(f"{prefix}_{view}", args=[first.pk])))]
    user = get_user_model().objects.get(email=EMAILS["participant"])
    name = "admin:auth_user_password_change"
    pages += [(name, strip(reverse(name, args=[user.pk])))]
    return pages


def pattern_routes(resolver=None, namespace="", prefix="") -> list[tuple[str, str]]:
    """(name, route) of every URL pattern, named as tests/test_access_matrix.py names them."""
    from django.urls import URLPattern, URLResolver, get_resolver

    found = []
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found += pattern_routes(entry, inner, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else f"{namespace}<unnamed>"
            found.append((name, prefix + str(entry.pattern)))
    return found


# ---------------------------------------------------------------------------------------------
# Fetching a page and everything it loads


class Loads(HTMLParser):
    """What a browser fetches to show the HTML: not the links it merely offers."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []  # (reference, kind guessed from the tag)
        self.styles: list[str] = []  # inline CSS, whose url()s load too
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag == "link":
            rel = attrs.get("rel", "").lower().split()
            if "stylesheet" in rel:
                self.found.append((attrs.get("href", ""), "css"))
            elif {"icon", "apple-touch-icon", "mask-icon"} & set(rel):
                self.found.append((attrs.get("href", ""), "image"))
            elif {"preload", "modulepreload", "prefetch", "manifest"} & set(rel):
                self.found.append((attrs.get("href", ""), ""))
        elif tag == "script" and attrs.get("src"):
            self.found.append((attrs["src"], "js"))
        elif tag in ("img", "source", "input", "video", "audio", "track", "iframe", "embed"):
            for name in ("src", "poster"):
                if attrs.get(name):
                    self.found.append((attrs[name], "image" if tag != "iframe" else "html"))
            for candidate in attrs.get("srcset", "").split(","):
                if candidate.strip():
                    self.found.append((candidate.split()[0], "image"))
        elif tag == "object" and attrs.get("data"):
            self.found.append((attrs["data"], ""))
        elif tag == "image":  # SVG
            href = attrs.get("href") or attrs.get("xlink:href")
            if href:
                self.found.append((href, "image"))
        if attrs.get("style"):
            self.styles.append(attrs["style"])
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.styles.append(data)


CSS_REFERENCE = re.compile(
    r"""url\(\s*(['"]?)(?P<url>[^'")]+)\1\s*\)|@import\s+(['"])(?P<import>[^'"]+)\3"""
)


def css_references(css: str) -> list[str]:
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    return [m.group("url") or m.group("import") for m in CSS_REFERENCE.finditer(css)]


def gzipped(body: bytes) -> int:
    return len(gzip.compress(body, compresslevel=6, mtime=0))


@dataclass
class Weight:
    name: str
    path: str
    role: str
    language: str
    facing: bool
    raw: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    gz: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    files: int = 0
    outside: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def total_raw(self) -> int:
        return sum(self.raw.values())

    @property
    def total_gz(self) -> int:
        return sum(self.gz.values())


class Fetcher:
    def __init__(self):
        from django.test import Client

        self.clients = {}
        self.cache: dict[str, tuple[int, str, bytes]] = {}
        self.Client = Client

    def client(self, role: str):
        if role not in self.clients:
            from django.contrib.auth import get_user_model

            client = self.Client()
            if role != "anonymous":
                client.force_login(get_user_model().objects.get(email=EMAILS[role]))
            self.clients[role] = client
        return self.clients[role]

    def get(self, role: str, url: str, follow=False):
        response = self.client(role).get(url, follow=follow)
        body = response.getvalue()
        response.close()
        return response, body

    def resource(self, url: str) -> tuple[int, str, bytes]:
        """A static file or other resource; the same for every role, so fetched once."""
        if url not in self.cache:
            response, body = self.get("anonymous", url)
            self.cache[url] = (response.status_code, response.get("Content-Type", ""), body)
        return self.cache[url]


def kind_of(url: str, content_type: str, guess: str) -> str:
    extension = urlsplit(url).path.rsplit(".", 1)[-1].lower()
    if extension in EXTENSIONS:
        return EXTENSIONS[extension]
    for needle, kind in (
        ("css", "css"),
        ("javascript", "js"),
        ("font", "font"),
        ("image", "image"),
        ("html", "html"),
    ):
        if needle in content_type:
            return kind
    return guess or "image"


def is_outside(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and f"{parts.scheme}://{parts.netloc}" != SITE


def weigh(fetcher: Fetcher, weight: Weight, response, body: bytes) -> None:
    weight.raw["html"] += len(body)
    weight.gz["html"] += gzipped(body)
    weight.files = 1
    page_url = SITE + response.request["PATH_INFO"]
    parser = Loads()
    parser.feed(body.decode(response.charset or "utf-8", errors="replace"))
    pending = [(urljoin(page_url, ref.strip()), kind) for ref, kind in parser.found if ref.strip()]
    pending += [
        (urljoin(page_url, ref), "") for css in parser.styles for ref in css_references(css)
    ]
    seen = set()
    while pending:
        url, guess = pending.pop(0)
        if url.startswith("data:") or url in seen or urlsplit(url).scheme == "about":
            continue  # inline data is counted with the document holding it
        seen.add(url)
        if is_outside(url):
            weight.outside.append(url)
            continue
        status, content_type, content = fetcher.resource(url.removeprefix(SITE))
        if status != 200:
            weight.missing.append(f"{url.removeprefix(SITE)} ({status})")
            continue
        kind = kind_of(url, content_type, guess)
        weight.raw[kind] += len(content)
        weight.gz[kind] += gzipped(content)
        weight.files += 1
        if kind == "css":
            css = content.decode("utf-8", errors="replace")
            pending += [(urljoin(url, ref), "") for ref in css_references(css)]


# ---------------------------------------------------------------------------------------------
# The walk and the table


def plan(demo: Demo, options) -> tuple[list[tuple[str, str, Spec]], list[tuple[str, str]]]:
    """The pages to weigh (name, path, spec) and what is left out (name or route, why)."""
    pages, skipped = [], []
    admin_done = False
    for name, route in pattern_routes():
        if name in PAGES:
            spec = PAGES[name]
            for path in spec.paths(demo):
                pages.append((name, path, spec))
        elif name in NOT_PAGES:
            skipped.append((name, NOT_PAGES[name]))
        elif name in POST_ONLY:
            skipped.append((name, "POST only: a form's action"))
        elif DOWNLOAD.search(route):
            last = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", route.rsplit("/", 1)[-1])
            skipped.append((name, f"file download: {last.strip('^$').replace(chr(92), '')}"))
        elif name.startswith("admin:"):
            if options.skip_admin:
                skipped.append(("admin:*", "the admin site: left out (--skip-admin)"))
            elif not admin_done:
                admin_done = True
                for admin_name, path in admin_pages():
                    roles = ("anonymous",) if admin_name == "admin:login" else ("admin",)
                    pages.append((admin_name, path, Spec(lambda d: [], roles)))
        else:
            skipped.append((name, "NOT CLASSIFIED: add it to bench/bench_page_weight.py"))
    seen, unique = set(), []
    for entry in skipped:
        if entry not in seen:
            seen.add(entry)
            unique.append(entry)
    if options.only_participant:
        pages = [p for p in pages if set(p[2].roles) & set(PUBLIC) and not p[0].startswith("admin")]
    return pages, unique


def measure(fetcher: Fetcher, pages, skipped) -> list[Weight]:
    weights = []
    for name, path, spec in pages:
        for language in LANGUAGES:
            url = f"/{language}/{path}"
            for role in spec.roles:
                # The admin pages a manager may see as the manager; the others as a superuser.
                tried = ("manager", "superuser") if role == "admin" else (role,)
                answers = []
                for who in tried:
                    try:
                        response, body = fetcher.get(who, url, follow=spec.follow)
                    # One broken page must not stop the walk: it is listed with its error.
                    except Exception as error:
                        answers.append(f"{who}: {type(error).__name__}: {error}")
                        continue
                    answers.append(f"{who}: {response.status_code}")
                    if response.status_code == 200:
                        break
                else:
                    skipped.append((f"{name} {url}", "no page: " + ", ".join(answers)))
                    continue
                if "html" not in response.get("Content-Type", ""):
                    skipped.append((f"{name} {url}", f"not HTML: {response['Content-Type']}"))
                    continue
                facing = who in PUBLIC and not name.startswith("admin:")
                weight = Weight(name, path, who, language, facing)
                weigh(fetcher, weight, response, body)
                weights.append(weight)
    return weights


def kb(size: int) -> str:
    return f"{size / 1024:.1f}"


def report(weights: list[Weight], skipped) -> bool:
    header = (
        f"{'page':<58} {'role':<11} {'lang':<4} {'html':>11} {'css':>11} {'js':>11} "
        f"{'fonts':>11} {'images':>11} {'total':>11} {'files':>5} {'out':>3}  budget"
    )
    print("Sizes in KB, uncompressed/gzip (level 6, each resource on its own).")
    print(header)
    print("-" * len(header))
    passed = True
    for w in weights:
        verdict = "-"
        if w.facing:
            verdict = "PASS" if w.total_gz < BUDGET and not w.outside else "FAIL"
            passed &= verdict == "PASS"
        passed &= not w.outside
        cells = [f"{kb(w.raw[k])}/{kb(w.gz[k])}" for k in KINDS]
        page = f"/{w.path}"
        if len(page) > 58:
            page = page[:57] + "…"
        print(
            f"{page:<58} {w.role:<11} {w.language:<4} "
            + " ".join(f"{cell:>11}" for cell in cells)
            + f" {kb(w.total_raw) + '/' + kb(w.total_gz):>11} {w.files:>5} {len(w.outside):>3}"
            + f"  {verdict}"
        )
    print()
    for w in weights:
        for url in w.outside:
            print(f"OUTSIDE REQUEST  /{w.language}/{w.path} ({w.role}): {url}")
        for url in w.missing:
            print(f"NOT FOUND        /{w.language}/{w.path} ({w.role}): {url}")
    print("Not measured:")
    for name, why in skipped:
        print(f"  {name:<58} {why}")
    print()
    facing = [w for w in weights if w.facing]
    print("Heaviest pages (gzip, everything included):")
    for w in sorted(weights, key=lambda w: -w.total_gz)[:8]:
        print(f"  {kb(w.total_gz):>7} KB  /{w.language}/{w.path} ({w.role})")
    if facing:
        top = max(facing, key=lambda w: w.total_gz)
        print(
            f"Heaviest participant-facing page: /{top.language}/{top.path} ({top.role}), "
            f"{kb(top.total_gz)} KB gzip of {kb(BUDGET)} KB"
        )
    outside = sum(len(w.outside) for w in weights)
    print(
        f"{len(weights)} pages weighed ({len(facing)} participant-facing, budget {kb(BUDGET)} KB "
        f"gzip); {sum(not w.total_gz < BUDGET for w in facing)} over budget; "
        f"{outside} requests to another host"
    )
    print("PASS" if passed else "FAIL")
    return passed


def main() -> int:
    options = arguments()
    folder = Path(tempfile.mkdtemp(prefix="capacita-bench-"))
    try:
        setup_django(folder)
        demo = load_data()
        pages, skipped = plan(demo, options)
        weights = measure(Fetcher(), pages, skipped)
        return 0 if report(weights, skipped) else 1
    finally:
        from django.db import connections

        connections.close_all()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
