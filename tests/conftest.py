"""What the hub's own tests add to the testing kit.

The fixtures (``app``, ``client``, ``make_app``, ``make_org``, ``make_user``, ``login``,
``api_headers``, ``make_item``, ``approve_through``, ``runner``, ``run_jobs`` …) come from
:mod:`hub.testing`, the pytest plugin the hub installs (``pytest11`` entry point) for plugin
authors too; ``HUB_TEST_DATABASE_URL`` and ``HUB_TEST_REDIS_URL`` choose the database and
Redis there. Only what is specific to this repository stays here.
"""

from __future__ import annotations

import pytest

from hub.testing import TEST_PASSWORD, current_totp_code  # noqa: F401 - imported by test modules


@pytest.fixture(scope="session", autouse=True)
def _instance_dir(hub_instance_dir):
    # every test of the repository, even one that builds no app, keeps generated files
    # (secret key, embedded Redis socket) out of the checkout
    return hub_instance_dir
