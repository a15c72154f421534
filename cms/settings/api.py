"""API settings (/api/v1/): DRF, its schema, paging and caching. Read into base.py."""

# --- API (/api/v1/) ----------------------------------------------------------
# The apps' API views get the shared machinery (core/api/, and advocacy's
# per-address throttle) from here, by dotted path.
API_PAGE_SIZE = 20
API_MAX_PAGE_SIZE = 100
API_CACHE_SECONDS = 10 * 60
# API bodies are a handful of fields; anything larger is refused with 413
# before it is read into memory.
API_MAX_BODY_BYTES = 16 * 1024
REST_FRAMEWORK = {
    # JSON only; dev.py adds the browsable API when DEBUG is on.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # DRF's own parsers: wagtail-localize's translation editor saves segments
    # as form data through its DRF views. Faro's API under /api/v1/ accepts
    # JSON alone, size-limited (cms.api.views.json_only, applied in cms.api.urls).
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # No sessions or cookies in the API: writes that need a credential read a
    # subscriber token from the Authorization header (advocacy/api).
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "EXCEPTION_HANDLER": "core.api.errors.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.PageNumberPagination",
    "DEFAULT_THROTTLE_CLASSES": [
        "core.api.throttling.ClientAddressThrottle",
        "advocacy.api.throttling.EmailThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "subscriptions": "20/hour",
        "subscriptions-email": "5/hour",
        "subscriptions-confirm": "60/hour",
        "subscriptions-manage": "120/hour",
    },
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "STRICT_JSON": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Faro API",
    "DESCRIPTION": (
        "Know-your-rights guides, the policy they rest on, hotlines and alerts in twelve "
        "languages, and alert subscriptions. Errors answer "
        '`{"error": {"code", "message", "fields"}}`.'
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1/",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "PREPROCESSING_HOOKS": ["cms.api.schema.only_public_api"],
    # A statement's status, and a policy event's status before and after,
    # are one choice set: one named enum in the schema.
    "ENUM_NAME_OVERRIDES": {
        "PolicyStatusEnum": "know_your_rights.models.policy.PolicyStatement.Status",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "cms.api.schema.add_error_responses",
    ],
}
