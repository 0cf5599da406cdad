"""Runs one benchmark module and prints its figures as one JSON line."""

from __future__ import annotations

import importlib
import json
import os
import sys

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
    os.environ.setdefault("RATELIMIT_ENABLE", "0")
    django.setup()
    module = importlib.import_module(f"bench.{sys.argv[1]}")
    figures = module.run()
    print(json.dumps(figures, default=str))


if __name__ == "__main__":
    main()
