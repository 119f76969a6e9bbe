"""The Textual app. Calls the domain (priorauth); holds no business rules."""
