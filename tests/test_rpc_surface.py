"""What an integrator reaches over XML-RPC, read from the addon's source.

Every method whose name does not start with ``_`` (nor ``init``) is callable remotely by anyone who can
read the record, so:
- each returns a value XML-RPC can carry: no bare ``return``, no falling off the end (None cannot be
  marshalled: the client gets a fault after the action already ran);
- no code of the addon reads an ``spm_*`` key of the context: the context is the client's to set, so
  such a key would be a permission the client grants itself.
The behaviour behind these rules is tested as each role in spm_addon/tests (test_rpc_roles.py over
real XML-RPC, and the models' own tests).
"""

import ast
import re
from pathlib import Path

ADDON = Path(__file__).resolve().parent.parent / "spm_addon"
SOURCES = sorted(
    path
    for folder in ("models", "wizard", "report")
    for path in (ADDON / folder).glob("*.py")
    if path.name != "__init__.py"
)


def _public_methods():
    for path in SOURCES:
        tree = ast.parse(path.read_text(), filename=str(path))
        for cls in (node for node in tree.body if isinstance(node, ast.ClassDef)):
            for func in cls.body:
                if isinstance(func, ast.FunctionDef) and not func.name.startswith("_") and func.name != "init":
                    yield f"{path.name}:{cls.name}.{func.name}", func


def _returns_nothing(func):
    """Why ``func`` may return None, or None when every path returns a value."""
    inner_functions = [
        inner for inner in ast.walk(func) if inner is not func and isinstance(inner, ast.FunctionDef | ast.Lambda)
    ]
    nested = {id(node) for inner in inner_functions for node in ast.walk(inner)}
    for node in ast.walk(func):
        if id(node) not in nested and isinstance(node, ast.Return) and node.value is None:
            return f"a bare return on line {node.lineno}"
    last = func.body[-1]
    if not isinstance(last, ast.Return | ast.Raise):
        return f"no return at its end (line {last.lineno})"
    return None


def test_sources_found():
    names = {name for name, _func in _public_methods()}
    # a few known buttons: the scan reads the right files
    assert "spm_quota_plan.py:SpmQuotaPlan.action_allocate" in names
    assert "spm_payout_run.py:SpmPayoutRun.action_lock" in names
    assert len(names) > 40


def test_every_public_method_returns_a_value():
    problems = [f"{name}: {why}" for name, func in _public_methods() if (why := _returns_nothing(func))]
    assert not problems, "public methods that may return None over XML-RPC:\n" + "\n".join(problems)


def test_the_bare_return_detector_fails_when_it_should():
    bad = ast.parse("def action_x(self):\n    if self:\n        return\n    return True\n").body[0]
    falls_off = ast.parse("def action_y(self):\n    self.state = 'done'\n").body[0]
    good = ast.parse("def action_z(self):\n    def inner():\n        return\n    return True\n").body[0]
    assert _returns_nothing(bad) and _returns_nothing(falls_off)
    assert _returns_nothing(good) is None


CONTEXT_KEY = re.compile(r"""context\s*(?:\.get\(|\[)\s*["'](spm_\w+)["']""")


def test_no_permission_read_from_the_context():
    found = [
        f"{path.relative_to(ADDON)}:{number}: {match.group(1)}"
        for path in sorted(ADDON.rglob("*.py"))
        if "tests" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        for match in CONTEXT_KEY.finditer(line)
    ]
    assert not found, "spm_* context keys read by the addon (a client can set any of them):\n" + "\n".join(found)
    assert CONTEXT_KEY.search('if self.env.context.get("spm_payout_unlock"):')
