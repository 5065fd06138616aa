"""`python -m tnt_dash …`: the same functions the pages call, for scripts and tests; one module
per family of commands. Nothing below this package imports it."""
from .main import main

__all__ = ["main"]
