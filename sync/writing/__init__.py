"""Writing: the canonical export, the reports, and the write-back into a practice's own log;
every cell through one formula guard, every file through the store's one safe-write helper."""
