"""Repository-level pytest hooks.

REQUIRE_MARKERS (set by .ci/run when the services answer) names markers that must have
run at least one test; a marker whose tests were all skipped fails the run, so CI cannot
go green while silently skipping PostgreSQL, Redis or the browser.

Under pytest-xdist the controller counts: every worker's reports reach its
pytest_runtest_logreport, and its exit status is the run's. A worker only ran its share,
so it neither counts nor judges.
"""

import os

import pytest

_ran: dict[str, int] = {}


def _required(config) -> list[str]:
    if hasattr(config, "workerinput"):  # an xdist worker
        return []
    return [m for m in os.environ.get("REQUIRE_MARKERS", "").split(",") if m]


def pytest_runtest_logreport(report):
    if report.when == "call" and report.outcome in ("passed", "failed"):
        for marker in ("postgres", "redis", "browser"):
            if marker in report.keywords:
                _ran[marker] = _ran.get(marker, 0) + 1


def pytest_terminal_summary(terminalreporter):
    required = _required(terminalreporter.config)
    if required:
        counts = ", ".join(f"{m}={_ran.get(m, 0)}" for m in required)
        terminalreporter.write_line(f"marker tests run: {counts}")
        missing = [m for m in required if not _ran.get(m)]
        if missing:
            terminalreporter.write_line(f"REQUIRE_MARKERS: no test ran for {', '.join(missing)}: failing the run", red=True)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus):
    required = _required(session.config)
    missing = [m for m in required if not _ran.get(m)]
    if missing and session.exitstatus == 0:
        session.exitstatus = 1
