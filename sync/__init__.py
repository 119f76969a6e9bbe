"""Excel sync: import authorization logs, export the canonical workbook, write back.

Calls the domain (priorauth); knows nothing of Textual.
"""
