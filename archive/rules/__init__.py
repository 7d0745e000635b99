"""House-style rules: profiles, the rule families and the engine that runs them.

Public API::

    from archive.rules import load_profile, check_photo, Engine, Violation

    profile = load_profile("guardian")             # or a path, or a desk's own name
    violations = check_photo(record, profile, on=date(2022, 12, 19))
    for photo_id, vs in Engine(profile).check_many(records, on):
        ...

Rule ids are DESIGN.md's (:data:`RULE_IDS`).  The families live one per
module: :mod:`.credit`, :mod:`.caption`, :mod:`.style`, :mod:`.licence` (the
licence rules are judged by :func:`archive.clearance.clearance`).
"""

from archive.rules.base import SEVERITIES, Violation
from archive.rules.engine import Engine, Licensing, check_facts, check_photo
from archive.rules.profile import (
    DEFAULT_PROFILE, RULE_IDS, Profile, RuleConfig, builtin_profile, default_profile,
    list_profiles, load_profile, rule_specs)

__all__ = [
    "SEVERITIES", "Violation", "Engine", "Licensing", "check_facts", "check_photo", "DEFAULT_PROFILE", "RULE_IDS",
    "Profile", "RuleConfig", "builtin_profile", "default_profile", "list_profiles", "load_profile",
    "rule_specs",
]
