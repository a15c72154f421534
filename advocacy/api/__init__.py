"""The public REST API for alerts, areas, topics and subscriptions (routed from cms)."""
