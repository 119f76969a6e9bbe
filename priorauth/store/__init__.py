"""The shared data file: TinyDB storage (locked, atomic, checked), its tables and the snapshot
codec, the store with revisions and the audit, the config and the user's identity, and the
shared-server set-up. Independent of the rules (import-linter holds it): it stores records, it
does not judge them."""
