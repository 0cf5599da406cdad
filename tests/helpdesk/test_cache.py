"""The Redis cache backend shares one client per pool and behaves as Django's (limits hold)."""

import secrets
import threading

from django.core.cache import cache, caches
from django.test import RequestFactory
from django_ratelimit.core import is_ratelimited

from helpdesk.cache import SharedClientRedisCache


def test_one_client_per_pool_and_the_usual_semantics():
    backend = caches["default"]  # the PostgreSQL run has Redis (the SQLite run uses the DB)
    assert isinstance(backend, SharedClientRedisCache)
    client = backend._cache
    assert client.get_client(write=True) is client.get_client(write=True)
    cache.delete("hd-test-counter")
    assert cache.add("hd-test-counter", 0, 60) is True
    assert cache.add("hd-test-counter", 5, 60) is False  # already there: untouched

    def bump() -> None:
        for _ in range(50):
            cache.incr("hd-test-counter")

    threads = [threading.Thread(target=bump) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert cache.get("hd-test-counter") == 200  # shared by threads, no increment lost


def test_rate_limit_still_refuses_after_its_rate():
    address = f"10.{secrets.randbelow(256)}.{secrets.randbelow(256)}.{secrets.randbelow(256)}"
    request = RequestFactory().post("/", REMOTE_ADDR=address)
    group = f"hd-test-{secrets.token_hex(4)}"
    verdicts = [
        is_ratelimited(request, group=group, key="ip", rate="3/h", increment=True) for _ in range(5)
    ]
    assert verdicts == [False, False, False, True, True]
