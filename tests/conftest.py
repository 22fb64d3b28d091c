"""Fixtures shared by every block's tests."""

import re

import pytest

from kaniwa.files import repo_root


@pytest.fixture
def sim_run_dir(request):
    """One directory per test node for a cocotb run's log, results and waves."""
    node = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
    return repo_root() / "build" / "sim" / "pytest" / node
