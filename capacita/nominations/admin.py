from django.contrib import admin

from capacita.programmes.admin_scoping import ReadOnlyProgrammeAdmin

from .models import Nomination


@admin.register(Nomination)
class NominationAdmin(ReadOnlyProgrammeAdmin):
    """A read-only view: decisions go through the nominations pages, which record them."""

    list_display = ("last_name", "first_name", "email", "country", "status", "programme")
    list_filter = ("programme", "country", "status")
    search_fields = ("first_name", "last_name", "email", "institution")
