"""pydantic's plugin discovery, skipped when no installed distribution declares a pydantic plugin.

The first validator pydantic builds looks for plugins with
``importlib.metadata.entry_points(group="pydantic")``: importing importlib.metadata (email,
zipfile, csv...) and reading every installed distribution's metadata was about a fifth of
`orctl validate`'s start-up beyond its import floor. A plugin is declared under `[pydantic]` in
its distribution's `entry_points.txt`; when no such file on ``sys.path`` has that section,
pydantic's discovery would find nothing, and orctl gives pydantic that same answer without the
import. Anything this scan cannot read as plainly as importlib.metadata would (a zip or an egg on
the path, another finder of distributions) leaves pydantic to discover plugins itself.
"""

from __future__ import annotations

import os
import sys
import types
from importlib.machinery import PathFinder

_LOADER = "pydantic.plugin._loader"  # where pydantic.plugin._schema_validator imports get_plugins from
_INFO_SUFFIXES = (".dist-info", ".egg-info")


def _declares_pydantic_plugin(entry_points_txt: str) -> bool:
    # importlib.metadata reads a section as the stripped line without its brackets; any header
    # naming pydantic counts here (a false alarm only costs the discovery this module avoids).
    return any(
        line.startswith("[") and line.endswith("]") and "pydantic" in line
        for line in map(str.strip, entry_points_txt.splitlines())
    )


def plugins_may_be_installed(path: list[str] | None = None) -> bool:
    """False only when no distribution importlib.metadata would find on ``path`` declares a pydantic plugin."""
    if any(getattr(f, "find_distributions", None) is not None and f is not PathFinder for f in sys.meta_path):
        return True
    for entry in sys.path if path is None else path:
        root = entry or "."  # "" is the current directory, for importlib.metadata too
        if not os.path.isdir(root):
            if os.path.exists(root):
                return True  # a zip file: read by importlib.metadata, not here
            continue
        if os.path.basename(root).lower().endswith(".egg"):
            return True
        try:
            names = os.listdir(root)
        except OSError:
            continue  # unreadable: importlib.metadata finds nothing there either
        for name in names:
            if not name.lower().endswith(_INFO_SUFFIXES):
                continue
            try:
                with open(os.path.join(root, name, "entry_points.txt"), encoding="utf-8") as file:
                    text = file.read()
            except OSError:
                continue  # no entry points (or an old single-file .egg-info)
            except ValueError:
                return True  # not UTF-8: let importlib.metadata judge
            if _declares_pydantic_plugin(text):
                return True
    return False


def _no_plugins() -> tuple[()]:
    return ()


def _from_the_real_loader(name: str) -> object:
    # pydantic imports only get_plugins from this private module today; should a later version
    # ask for anything else, it gets the real module's attribute rather than an ImportError.
    if name.startswith("__"):
        raise AttributeError(name)  # module machinery probing (__file__, __path__): no real import for that
    import importlib.util

    import pydantic.plugin

    spec = PathFinder.find_spec(_LOADER, list(pydantic.plugin.__path__))
    if spec is None or spec.loader is None:
        raise AttributeError(name)
    real = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(real)
    return getattr(real, name)


def skip_discovery_when_none_installed() -> None:
    """Before the first pydantic model is built: answer pydantic's plugin lookup with "none" if none is installed."""
    if _LOADER in sys.modules or plugins_may_be_installed():
        return
    loader = types.ModuleType(_LOADER, "orctl: no pydantic plugin is installed (openrouter_iac.cli.pydantic_plugins)")
    loader.get_plugins = _no_plugins  # type: ignore[attr-defined]
    loader.__getattr__ = _from_the_real_loader  # type: ignore[method-assign]  # PEP 562
    sys.modules[_LOADER] = loader
