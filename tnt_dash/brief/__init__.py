"""The Police Commissioner's weekly brief: one ISO week's serious organised crime in figures, changes,
anomalies, priorities and the analyst's notes, for the laptop, the projector and the packs (docs/brief.md)."""
from .pack import Brief, appendix, weekly_brief
from .weeks import parse_iso_week, recent_weeks

__all__ = ["Brief", "appendix", "parse_iso_week", "recent_weeks", "weekly_brief"]
