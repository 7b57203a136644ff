from django.contrib import admin

from .models import Country


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ("code", "name_es", "name_en", "time_zone")
    search_fields = ("code", "name_es", "name_en")
    fields = ("code", ("name_es", "name_en"), "time_zone")
