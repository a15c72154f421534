"""Alert pages, dispatches and deliveries (owned by the alerts work)."""
