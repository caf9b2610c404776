"""Repository-wide pytest rules: a skipped test is a failed run; the tours' server is ready before they start.

pytest-odoo silently skips HttpCase tests when the browser or the HTTP server is missing; a suite
that skips is a suite that did not test, so the run fails and says which tests were skipped.
"""

import pytest


@pytest.fixture(scope="session", autouse=True)
def _odoo_statics(request):
    """Odoo's WSGI application maps each module to its static folder at its first request, reading every
    manifest with ``ast.literal_eval``; the first tour's browser sends several requests at once, and
    CPython 3.11 compiling in several threads at once can fail ("AST constructor recursion depth
    mismatch"), which fails that request and the tour. The map is made here, in one thread, first."""
    if request.config.getoption("--odoo-http", default=False):
        # imported here: only where pytest-odoo has set Odoo up (the engine tests run without it)
        import odoo.http

        assert odoo.http.root.statics
    yield


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
