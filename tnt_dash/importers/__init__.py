"""Importers: real-world files into the store, validated, in one transaction, nothing lost.

`pipeline.run_import(con, path, ...)` is the single entry point used by the CLI and the Data
page; see docs/import.md.
"""
from .detect import FileUnreadable

__all__ = ["FileUnreadable"]   # callers catch it from the package
