"""Modal forms: client, authorization, service, payer."""
