"""The Regional trends page: how incidents move week by week or month by month, by market, place or
cyber link, with each series' trend, change on a year earlier, grading, rates and seasonality."""
from .tables import rates_view, series_view, summary_view

__all__ = ["rates_view", "series_view", "summary_view"]
