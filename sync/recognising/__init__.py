"""Recognising: which sheet is the log, where its header is and what each column holds (the
field table in ``columns``), which rows are report chrome; said back in a sheet report."""
