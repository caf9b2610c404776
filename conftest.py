"""Repository-wide pytest rules: a skipped test is a failed run.

pytest-odoo silently skips HttpCase tests when the browser or the HTTP server is missing; a suite
that skips is a suite that did not test, so the run fails and says which tests were skipped.
"""

import pytest

_skipped = []


def pytest_runtest_logreport(report):
    if report.skipped:
        _skipped.append(report.nodeid)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus):
    if _skipped and session.exitstatus == 0:
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter):
    if _skipped:
        terminalreporter.write_line(
            f"FAILED: {len(_skipped)} test(s) were skipped, and a skip counts as a failure here:", red=True
        )
        for nodeid in _skipped:
            terminalreporter.write_line(f"  skipped: {nodeid}", red=True)
