"""The public REST API for guides, policy statements and hotlines (routed from cms)."""
