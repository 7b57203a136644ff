"""The pre-test and post-test of a programme: questionnaires, their questions and answers."""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from capacita.programmes.models import Programme
from capacita.shared import text_limits as limits
from capacita.shared.bilingual import Bilingual, BilingualMixin
from capacita.shared.text_limits import text_field
from capacita.shared.written_apart import leaving


class Questionnaire(BilingualMixin):
    class Kind(models.TextChoices):
        PRE = "pre", _("pre-test")
        POST = "post", _("post-test")

    class ManualState(models.TextChoices):
        AUTO = "auto", _("by its dates")
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    class Review(models.TextChoices):
        """What a participant sees of their submitted test, as Moodle's review options;
        each level shows what the one before shows, and more. Whatever is chosen, the right
        answer to a question a later test asks again stays hidden until that test has
        closed (`review.withheld_questions`)."""

        NOTHING = "nothing", _("their own answers only")
        SCORE = "score", _("their answers and their score")
        MARKS = "marks", _("their answers, their score and which answers were right")
        KEY = "key", _("their answers, their score, which answers were right and the right answers")

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="questionnaires"
    )
    kind = models.CharField(_("kind"), max_length=4, choices=Kind.choices)
    title_es = models.CharField(_("title (Spanish)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300)
    intro_es = text_field(_("introduction (Spanish)"), limits.INSTRUCTIONS, blank=True)
    intro_en = text_field(_("introduction (English)"), limits.INSTRUCTIONS, blank=True)
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    manual_state = models.CharField(
        _("open or closed"),
        max_length=6,
        choices=ManualState.choices,
        default=ManualState.AUTO,
        help_text=_("Open or close the test by hand, whatever its dates say."),
    )
    review_after_submit = models.CharField(
        _("after submitting, each participant sees"),
        max_length=7,
        choices=[choice for choice in Review.choices if choice[0] != "key"],
        default=Review.SCORE,
        help_text=_(
            "Until the test closes. The right answers are not among the choices: others may "
            "still be answering."
        ),
    )
    review_after_close = models.CharField(
        _("once the test has closed, each participant sees"),
        max_length=7,
        choices=Review.choices,
        default=Review.KEY,
        help_text=_(
            "The right answer to a question that a later test asks again is shown only "
            "once that test has closed too."
        ),
    )

    title = Bilingual("title")
    intro = Bilingual("intro")

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["programme", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "kind"], name="evaluation_one_questionnaire_per_kind"
            )
        ]

    def __str__(self):
        return f"{self.programme} · {self.get_kind_display()}"

    REVIEW_ORDER = ("nothing", "score", "marks", "key")

    def clean(self):
        order = self.REVIEW_ORDER
        if (
            self.review_after_submit in order
            and self.review_after_close in order
            and order.index(self.review_after_close) < order.index(self.review_after_submit)
        ):
            raise ValidationError(
                {
                    "review_after_close": _(
                        "Once the test has closed, participants see at least what they saw "
                        "after submitting."
                    )
                }
            )


class Section(BilingualMixin):
    class Kind(models.TextChoices):
        KNOWLEDGE = "knowledge", _("knowledge")
        EXPECTATIONS = "expectations", _("expectations")
        SATISFACTION = "satisfaction", _("satisfaction")
        USE = "use", _("use at work")
        COMMENTS = "comments", _("comments")

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="sections"
    )
    position = models.PositiveSmallIntegerField(_("order"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title_es = models.CharField(_("title (Spanish)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300)

    title = Bilingual("title")

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["questionnaire", "position"]

    def __str__(self):
        return self.title


class Question(BilingualMixin):
    class Kind(models.TextChoices):
        SINGLE = "single", _("single choice")
        MULTIPLE = "multiple", _("multiple choice")
        TRUE_FALSE = "true_false", _("true or false")
        SCALE = "scale", _("scale 1–5")
        TEXT = "text", _("free text")

    # The kinds that offer choices (and can be right or wrong).
    CHOOSING = (Kind.SINGLE, Kind.MULTIPLE, Kind.TRUE_FALSE)

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("order"))
    code = models.CharField(
        _("code"), max_length=10, help_text=_("Unique in the questionnaire, e.g. K01.")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    text_es = text_field(_("text (Spanish)"), limits.QUESTION)
    text_en = text_field(_("text (English)"), limits.QUESTION)
    required = models.BooleanField(_("required"), default=True)

    text = Bilingual("text")

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["section__position", "position"]

    def __str__(self):
        return f"{self.code} · {self.text}"

    def clean(self):
        if self.section_id and self.code:
            clash = Question.objects.filter(
                section__questionnaire_id=self.section.questionnaire_id, code__iexact=self.code
            ).exclude(pk=self.pk)
            if clash.exists():
                raise ValidationError(
                    {"code": _("Another question of this questionnaire has this code.")}
                )

    @property
    def has_choices(self) -> bool:
        return self.kind in self.CHOOSING

    def correct_codes(self) -> set[str]:
        return {choice.code for choice in self.choices.all() if choice.is_correct}


class Choice(BilingualMixin):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    code = models.CharField(_("code"), max_length=2, help_text=_("a, b, c, d…"))
    text_es = models.CharField(_("text (Spanish)"), max_length=500)
    text_en = models.CharField(_("text (English)"), max_length=500)
    is_correct = models.BooleanField(_("correct"), default=False)

    text = Bilingual("text")

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        ordering = ["question", "code"]
        constraints = [
            models.UniqueConstraint(fields=["question", "code"], name="evaluation_choice_code")
        ]

    def __str__(self):
        return f"{self.code}) {self.text}"


class Response(models.Model):
    class Source(models.TextChoices):
        WEB = "web", _("answered on the site")
        IMPORT = "import", _("imported")

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="responses"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="test_responses"
    )
    language = models.CharField(_("language"), max_length=2, default="es")
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=6, choices=Source.choices, default="web")
    # Kept from the response's answers so that the report counts people, not answers: the
    # right answers to its test's knowledge items (`Answer.is_right`), and the sum and
    # number of its answers to the test's scale of expectations (pre-test) or of
    # satisfaction (post-test). `services.recount` keeps them as answers are saved,
    # imported or deleted and as a question's key or place changes; `kept.differences`
    # checks them (`capacita check_progress`).
    right_answers = models.PositiveIntegerField(_("right answers"), default=0, editable=False)
    scale_total = models.PositiveIntegerField(_("sum of the scale"), default=0, editable=False)
    scale_answers = models.PositiveIntegerField(
        _("answers on the scale"), default=0, editable=False
    )

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "user"], name="evaluation_one_response_per_person"
            )
        ]

    def __str__(self):
        return f"{self.questionnaire} · {self.user}"

    # Written by `recount` alone: a response saved from memory leaves them as they are.
    KEPT_COUNTS = ("right_answers", "scale_total", "scale_answers")

    def save(self, *args, **kwargs):
        super().save(*args, **leaving(self, self.KEPT_COUNTS, kwargs))

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class AnswerQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        """As Django's, each answer's `is_right` worked out first where not given."""
        objs = list(objs)
        _fill_verdicts(objs)
        created = super().bulk_create(objs, *args, **kwargs)
        if not _recount_deferred.get():
            recount({answer.response_id for answer in objs})
        return created

    def delete(self):
        """As Django's, their responses' kept counts worked out again afterwards."""
        responses = set(self.order_by().values_list("response_id", flat=True).distinct())
        deleted = super().delete()
        if not _recount_deferred.get():
            recount(responses)
        return deleted


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    choice_codes = models.JSONField(_("chosen codes"), default=list, blank=True)
    scale = models.PositiveSmallIntegerField(_("scale"), null=True, blank=True)
    text = text_field(_("text"), limits.TEST_ANSWER, blank=True)
    # Whether the chosen codes are right (`scoring.verdict`, from `scoring.is_correct`): kept
    # so that scores are counted in the database. None for an answer choosing nothing, or to
    # a question without choices. The services set it as they save an answer and again for
    # every answer to a question whose key changes (`services.answer_key_changed`); `save`
    # and `bulk_create` work it out when it is not given.
    is_right = models.BooleanField(_("correct"), null=True, blank=True, editable=False)

    objects = AnswerQuerySet.as_manager()

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        indexes = [
            # What the evaluation's report counts, read from the index alone: the answers
            # to each question grouped by what was chosen, the right ones and the scales'
            # means per response (`report._counted_answers`, `report._per_response`).
            models.Index(
                fields=["question", "choice_codes", "scale", "is_right", "response"],
                name="evaluation_answer_counted",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="evaluation_one_answer_per_question"
            )
        ]

    def __str__(self):
        return f"{self.response} · {self.question.code}"

    def save(self, *args, **kwargs):
        _fill_verdicts([self])
        super().save(*args, **kwargs)
        if not _recount_deferred.get():
            recount([self.response_id])

    def delete(self, *args, **kwargs):
        response_id = self.response_id
        deleted = super().delete(*args, **kwargs)
        if not _recount_deferred.get():
            recount([response_id])
        return deleted

    @property
    def is_empty(self) -> bool:
        return not self.choice_codes and self.scale is None and not self.text.strip()


def _fill_verdicts(answers) -> None:
    """`is_right` of `answers` where it is not given (an answer made outside the services):
    None when nothing is chosen, else the verdict of the one rule, their questions read in
    one query."""
    # The one rule (`scoring.is_correct`) reads these models: imported once they are defined.
    from .scoring import verdict

    wanting = []
    for answer in answers:
        if not answer.choice_codes:
            answer.is_right = None
        elif answer.is_right is None:
            wanting.append(answer)
    if not wanting:
        return
    questions = Question.objects.prefetch_related("choices").in_bulk(
        {answer.question_id for answer in wanting}
    )
    for answer in wanting:
        answer.is_right = verdict(questions[answer.question_id], answer.choice_codes)


# Set while a service saves many answers and counts their responses once at the end.
_recount_deferred: ContextVar[bool] = ContextVar("recount_deferred", default=False)


@contextmanager
def recount_deferred():
    """Answers saved or deleted one by one inside this block leave their responses' kept
    counts to the caller, who calls `recount` once for them all."""
    token = _recount_deferred.set(True)
    try:
        yield
    finally:
        _recount_deferred.reset(token)


def counted_questions(questionnaire) -> tuple[list[int], list[int]]:
    """The ids of `questionnaire`'s knowledge items (choice questions of a knowledge
    section: their right answers are counted) and of its scale questions whose answers are
    averaged (expectations in the pre-test, satisfaction in the post-test)."""
    scaled = (
        Section.Kind.EXPECTATIONS
        if questionnaire.kind == Questionnaire.Kind.PRE
        else Section.Kind.SATISFACTION
    )
    items, scales = [], []
    for pk, kind, section in Question.objects.filter(
        section__questionnaire=questionnaire
    ).values_list("pk", "kind", "section__kind"):
        if section == Section.Kind.KNOWLEDGE and kind in Question.CHOOSING:
            items.append(pk)
        elif section == scaled and kind == Question.Kind.SCALE:
            scales.append(pk)
    return items, scales


def recount(responses) -> None:
    """Work out again the kept counts of `responses` (a queryset of responses, or their
    ids) from their answers: `right_answers`, `scale_total`, `scale_answers`. One UPDATE
    per test, however many responses."""
    if not isinstance(responses, models.QuerySet):
        ids = sorted(responses)
        for start in range(0, len(ids), 5_000):  # within the database's parameters
            recount(Response.objects.filter(pk__in=ids[start : start + 5_000]))
        return
    tests = responses.order_by().values("questionnaire_id").distinct()
    for questionnaire in Questionnaire.objects.filter(pk__in=tests):
        items, scales = counted_questions(questionnaire)
        answers = Answer.objects.filter(response=OuterRef("pk")).order_by().values("response")
        right = answers.filter(question_id__in=items, is_right=True)
        scaled = answers.filter(question_id__in=scales, scale__isnull=False)
        responses.filter(questionnaire=questionnaire).update(
            right_answers=(
                Coalesce(Subquery(right.annotate(n=Count("pk")).values("n")), 0)
                if items
                else Value(0)
            ),
            scale_total=(
                Coalesce(Subquery(scaled.annotate(n=Sum("scale")).values("n")), 0)
                if scales
                else Value(0)
            ),
            scale_answers=(
                Coalesce(Subquery(scaled.annotate(n=Count("pk")).values("n")), 0)
                if scales
                else Value(0)
            ),
        )
