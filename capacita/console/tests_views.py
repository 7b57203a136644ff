"""Copying the pre-test's knowledge questions into the post-test, from the console."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from capacita.evaluation.models import Questionnaire
from capacita.evaluation.services import EvaluationError, copy_knowledge
from capacita.shared.access import guarded as _guarded

from .views import managed


@_guarded
@require_POST
def copy_knowledge_questions(request, slug):
    programme = managed(request, slug)
    post = Questionnaire.objects.filter(programme=programme, kind="post").first()
    try:
        copied = copy_knowledge(programme, request.user)
    except EvaluationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            ngettext(
                "%(count)d knowledge question copied into the post-test.",
                "%(count)d knowledge questions copied into the post-test.",
                copied,
            )
            % {"count": copied},
        )
    if post is None:
        return redirect("console:part", slug, "tests")
    return redirect(reverse("console:part_item", args=[slug, "tests", post.pk]))
