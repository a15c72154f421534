"""The API's shared machinery, wired in through settings (REST_FRAMEWORK,
MIDDLEWARE) so the apps' API views pick it up without importing cms."""
