from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import Slides


class SlidesForm(forms.ModelForm):
    """A speaker's slides for one agenda item."""

    class Meta:
        model = Slides
        fields = ["title", "file"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "A PDF or PowerPoint (PPTX) file of at most %(size)s MB."
        ) % {"size": settings.UPLOAD_MAX_SLIDES_BYTES // 1024**2}
        self.fields["file"].widget.attrs["accept"] = ".pdf,.pptx"
