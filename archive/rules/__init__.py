"""House-style rules: profiles, the rule families and the engine that runs them.

Public API::

    from archive.rules import load_profile, check_photo, Violation

    profile = load_profile("guardian")             # or a path, or a desk's own name
    violations = check_photo(record, profile, on=date(2022, 12, 19))
    violations = check_photo(record, profile, on=date(2022, 12, 19), licences=desk_licences, leases=its_leases)

Many photos are checked by the archive's check service (archive/checking.py,
``Desk.check``), which judges each with :func:`judge_photo` on the worker pool.

Rule ids are DESIGN.md's (:data:`RULE_IDS`).  The families live one per
module: :mod:`.credit`, :mod:`.caption`, :mod:`.style`, :mod:`.licence` (the
licence rules are judged by :func:`archive.clearance.clearance`).
"""

from archive.rules.base import SEVERITIES, Violation
from archive.rules.engine import check_facts, check_photo, judge_photo
from archive.rules.profile import (
    DEFAULT_PROFILE, RULE_IDS, Profile, RuleConfig, builtin_profile, default_profile,
    list_profiles, load_profile, rule_specs)

__all__ = [
    "SEVERITIES", "Violation", "check_facts", "check_photo", "judge_photo", "DEFAULT_PROFILE", "RULE_IDS",
    "Profile", "RuleConfig", "builtin_profile", "default_profile", "list_profiles", "load_profile",
    "rule_specs",
]
