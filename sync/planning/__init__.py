"""Planning: a row's draft authorization, matched against the data (new, changed, unchanged),
settled (which one is active), and described in words; nothing is written here."""
