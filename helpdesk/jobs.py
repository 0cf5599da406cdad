"""The job queue: django-tasks-db's database backend with a leaner enqueue.

Every reply, acknowledgement and notification enqueues a job inside the transaction that
records it. The library writes the job's row with `objects.create` (the ORM's full save
path, compiled on every call); here the same row goes in through `instances_insert`, a single
INSERT on PostgreSQL. Everything else (the worker, claiming, retries, results) is the library's.
"""

from __future__ import annotations

from typing import Any

from django_tasks.signals import task_enqueued
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.compat import normalize_json
from django_tasks_db.models import DBTaskResult, get_date_max

from helpdesk.rows import instances_insert


class JobsBackend(DatabaseBackend):
    """`django_tasks_db.DatabaseBackend`, its job rows written by `instances_insert`."""

    def enqueue(self, task: Any, args: Any, kwargs: Any) -> Any:
        """As the library's, but the result (which re-imports the task) is built once."""
        self.validate_task(task)
        result = self._task_to_db_task(task, args, kwargs).task_result
        task_enqueued.send(type(self), task_result=result)
        return result

    def _task_to_db_task(self, task: Any, args: Any, kwargs: Any) -> DBTaskResult:
        row: DBTaskResult = DBTaskResult(
            id=self._get_id(),
            args_kwargs=normalize_json({"args": args, "kwargs": kwargs}),
            priority=task.priority,
            task_path=task.module_path,
            queue_name=task.queue_name,
            # What the library's pre_save handler does (instances_insert sends no signals).
            run_after=task.run_after or get_date_max(),
            backend_name=self.alias,
        )
        instances_insert([row])
        return row
