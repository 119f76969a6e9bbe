"""Reading: open a workbook safely (sniffed, its grids measured before calamine allocates them)
and hand back raw cell values."""
