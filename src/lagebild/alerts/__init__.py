"""Watch service: protected sites, watch rules, alerts (Atom, webhooks) and situation briefs."""

from lagebild.alerts.notify import Notifier, atom_feed, deliver_pending, evaluate_new_events
from lagebild.alerts.rules import Alert, RuleError, WatchRule, add_rule, list_rules, remove_rule

__all__ = [
    "Alert",
    "Notifier",
    "RuleError",
    "WatchRule",
    "add_rule",
    "atom_feed",
    "deliver_pending",
    "evaluate_new_events",
    "list_rules",
    "remove_rule",
]
