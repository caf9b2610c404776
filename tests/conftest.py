"""Load spm_addon's pure engine as a standalone package: its tests need neither Odoo nor a database."""

import importlib.util
import sys
from pathlib import Path

ENGINE = Path(__file__).resolve().parent.parent / "spm_addon" / "engine"


def _load_engine():
    spec = importlib.util.spec_from_file_location(
        "spm_engine", ENGINE / "__init__.py", submodule_search_locations=[str(ENGINE)]
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules["spm_engine"] = module
    spec.loader.exec_module(module)
    return module


_load_engine()
