"""The command line's subcommands, one module per kind of work; bot/__main__.py parses."""

from __future__ import annotations

from ..config import Settings


def load(settings: Settings):
    """The core, loaded on demand so that `--help` and quick errors stay fast."""
    from ..core import load_core
    return load_core(settings)


def catalogs(settings: Settings):
    """The UI strings alone (the set-up commands need no classifier)."""
    from ..i18n import Catalogs
    from ..language.normalize import Normalizer
    return Catalogs(settings.locales_dir, Normalizer().to_simplified)


def channels(settings: Settings):
    from ..web.factory import channels as configured
    return configured(settings)
