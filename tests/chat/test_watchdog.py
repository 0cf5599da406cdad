"""The per-process Redis watch that closes chat sockets when the channel layer's Redis restarts."""

from __future__ import annotations

import asyncio

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeout

from channels_chat.watchdog import RedisWatch, layer_redis_urls
from tests.chat.test_multiprocess import OwnRedis

URL = "redis://127.0.0.1:1/0"  # never connected to: verdicts are plain values


@pytest.mark.core
def test_verdicts_restart_outage_recovery():
    watch = RedisWatch([URL])
    assert watch._verdict(URL, "run-a") is None  # the baseline
    assert watch._verdict(URL, "run-a") is None
    assert watch._verdict(URL, "run-b") == "restart"
    assert watch._verdict(URL, "run-b") is None
    assert watch._verdict(URL, RedisConnectionError("refused")) == "outage"
    assert watch._verdict(URL, RedisConnectionError("refused")) is None  # reported once
    assert watch._verdict(URL, "run-b") == "recovered"  # sockets opened meanwhile go too
    assert watch._verdict(URL, "run-b") is None


@pytest.mark.core
def test_one_timeout_is_lag_two_are_an_outage():
    watch = RedisWatch([URL])
    assert watch._verdict(URL, "run-a") is None
    assert watch._verdict(URL, RedisTimeout("slow")) is None
    assert watch._verdict(URL, "run-a") is None  # a single slow answer resets nothing
    assert watch._verdict(URL, RedisTimeout("slow")) is None
    assert watch._verdict(URL, RedisTimeout("slow")) == "outage"
    assert watch._verdict(URL, "run-c") == "restart"


@pytest.mark.core
def test_only_a_redis_layer_is_watched(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    assert layer_redis_urls() == []
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [{"address": "redis://a:6379/1"}, "redis://b:6379/0"]},
        }
    }
    assert layer_redis_urls() == ["redis://a:6379/1", "redis://b:6379/0"]


def test_a_real_restart_is_reported_then_settles():
    redis = OwnRedis()
    redis.start()

    async def scenario() -> list[str | None]:
        watch = RedisWatch([redis.url], timeout=1.0)
        seen = [await watch.check(), await watch.check()]
        redis.stop()
        redis.start()  # same port, new run_id, before the next probe
        seen += [await watch.check(), await watch.check()]
        redis.stop()
        seen.append(await watch.check())
        await watch.close()
        return seen

    try:
        assert asyncio.run(scenario()) == [None, None, "restart", None, "outage"]
    finally:
        redis.stop()
