"""Everything the server reads at run time, shipped inside the package.

Read only through these functions (importlib.resources), never by a path relative
to the source tree: an installed wheel has no checkout around it. The storage
schema files stay beside their storage code (simulator/storage/) and are read
the same way there.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable

__all__ = ["countries", "default_fixtures", "openapi_document", "simulation_rules"]


def simulation_rules(profile: str) -> Traversable:
    """The magic recipients of a profile (simulator_<profile>.yaml)."""
    return files(__name__).joinpath(f"simulator_{profile}.yaml")


def default_fixtures(filename: str) -> Traversable:
    """The fixture file `serve` loads when no --fixtures is given."""
    return files(__name__).joinpath("fixtures", filename)


def openapi_document(filename: str) -> Traversable:
    """An OpenAPI document served at /v2/openapi-<language>."""
    return files(__name__).joinpath("openapi", filename)


def countries() -> Traversable:
    """Country names for addresses, Royal Mail's European zone and UK postcode areas
    (derived from notifications-utils' country data)."""
    return files(__name__).joinpath("countries.json")
