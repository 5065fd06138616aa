"""Early warning: rules that fire on the brief's anomaly tests, new corridors, first incidents and
user thresholds; alerts with a status; watch lists; the digest (docs/alerts.md)."""
from .definitions import KINDS, MEASURES, STATUSES
from .run import after_commit, evaluate_all, run_alerts

__all__ = ["KINDS", "MEASURES", "STATUSES", "after_commit", "evaluate_all", "run_alerts"]
