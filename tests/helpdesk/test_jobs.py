"""The jobs backend writes the job row django-tasks-db would, and only with its transaction."""

import pytest
from django.db import transaction
from django_tasks import task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult, get_date_max

from helpdesk.jobs import JobsBackend
from mailin.outbound import message_email_send

pytestmark = [pytest.mark.core, pytest.mark.django_db(transaction=True)]

COMPARED = ("status", "args_kwargs", "priority", "task_path", "queue_name", "backend_name")


def test_job_row_equals_the_librarys():
    backend = task_backends["default"]
    assert isinstance(backend, JobsBackend)
    ours = message_email_send.enqueue(41)
    # The library's own row writer (objects.create and its pre_save handler).
    theirs = DatabaseBackend._task_to_db_task(backend, message_email_send, [42], {})
    mine, library = (DBTaskResult.objects.get(id=r.id) for r in (ours, theirs))
    for field in COMPARED:
        expected = getattr(library, field)
        if field == "args_kwargs":
            expected = {"args": [41], "kwargs": {}}
        assert getattr(mine, field) == expected, field
    assert mine.run_after == library.run_after == get_date_max()
    assert mine.enqueued_at is not None and ours.status == "READY"
    # The worker's own query finds both, ready to run now.
    assert set(DBTaskResult.objects.ready().values_list("id", flat=True)) == {mine.id, library.id}


def test_job_rolls_back_with_its_transaction():
    with pytest.raises(RuntimeError), transaction.atomic():
        message_email_send.enqueue(7)
        raise RuntimeError("the reply failed after its job was enqueued")
    assert DBTaskResult.objects.count() == 0
