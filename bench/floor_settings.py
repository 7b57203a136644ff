"""Settings for `bench_load.py`: the project's own, with one page more (`floor_urls`).

That page only says who is logged in: the least any personal page does (the session and the
account read from the database, a few bytes written back). Its share of `/healthz` in the same
run is the most a page showing a person's own records could reach without keeping them.
"""

from capacita.settings import *  # noqa: F403

ROOT_URLCONF = "floor_urls"
