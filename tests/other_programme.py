"""A second programme beside the demo's, for the tests of what one programme's people must
not reach in another."""

from __future__ import annotations

import datetime as dt

from capacita.programmes.models import Programme


def another_programme(slug: str = "otro-2031") -> Programme:
    return Programme.objects.create(
        slug=slug,
        title_es="Otro programa",
        title_en="Another programme",
        description_es="-",
        description_en="-",
        general_objective_es="-",
        general_objective_en="-",
        time_zone="America/Mexico_City",
        start_date=dt.date(2031, 1, 1),
        end_date=dt.date(2031, 1, 2),
    )
