"""authtrack's domain: prior-authorization records, rules and the shared data file.

Knows nothing of Textual or openpyxl (enforced by import-linter; see pyproject.toml).
"""

__version__ = "0.1.0"
