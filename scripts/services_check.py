"""Fails loudly when PostgreSQL or Redis does not answer: the suite never skips them."""

import sys
import time

import psycopg
import redis


def wait(what: str, probe, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            probe()
            return
        except Exception as exc:
            if time.monotonic() > deadline:
                sys.exit(f"{what} does not answer: {exc}")
            time.sleep(0.5)


def main() -> None:
    pg_url, redis_url = sys.argv[1], sys.argv[2]
    wait("PostgreSQL", lambda: psycopg.connect(pg_url, connect_timeout=3).close())
    wait("Redis", lambda: redis.Redis.from_url(redis_url, socket_timeout=3).ping())
    print("PostgreSQL and Redis answer.")


if __name__ == "__main__":
    main()
