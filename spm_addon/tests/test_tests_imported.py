import ast
from pathlib import Path

from odoo.tests import BaseCase, tagged


@tagged("post_install", "-at_install")
class TestTestsImported(BaseCase):
    """Odoo's runner runs only the test modules that tests/__init__.py imports (pytest finds every file):
    a module left out of it passes under pytest and never runs where companies run the addon."""

    def test_every_test_module_is_imported(self):
        folder = Path(__file__).parent
        on_disk = {path.stem for path in folder.glob("test_*.py")}
        tree = ast.parse((folder / "__init__.py").read_text(encoding="utf-8"))
        imported = {
            alias.name
            for node in tree.body
            if isinstance(node, ast.ImportFrom) and node.level == 1 and not node.module
            for alias in node.names
        }
        self.assertIn("test_tests_imported", on_disk)  # the search itself works: it finds this file
        self.assertFalse(
            sorted(on_disk - imported),
            "add these test modules to spm_addon/tests/__init__.py, or Odoo's runner never runs them",
        )
