"""Shared test setup: Qt runs offscreen; hypothesis profiles keep the suite fast on 2 cores."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from hypothesis import settings  # noqa: E402

settings.register_profile("default", deadline=None, max_examples=60)
settings.load_profile("default")
