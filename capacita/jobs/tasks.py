"""The task the worker (`capacita db_worker`) runs for each job."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def run_job(job_id: int) -> str:
    return services.run(job_id)
