"""The Gender Officer's page: what serious organised crime does to women, men, girls and boys, and
how completely the mission records who the victims were (tables, trend, rates, pack)."""
from .pack import gender_view

__all__ = ["gender_view"]
