"""The REST API's base pieces, shared by every app's API views."""
