"""Development (`make run`): embedded defaults, nothing to install.

Secrets not given in the environment are generated once under var/.
"""

from .base import *  # noqa: F403
from .environment import development_secret, env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY") or development_secret("secret_key")
FIELD_ENCRYPTION_KEYS = env("FIELD_ENCRYPTION_KEYS") or [development_secret("field_encryption_key")]
SUBSCRIBER_HASH_KEY = env("SUBSCRIBER_HASH_KEY") or development_secret("subscriber_hash_key")
SMS_CALLBACK_SECRET = env("SMS_CALLBACK_SECRET") or development_secret("sms_callback_secret")

if DEBUG:
    # The browsable API in development only; production answers JSON alone.
    REST_FRAMEWORK = {  # noqa: F405
        **REST_FRAMEWORK,  # noqa: F405
        "DEFAULT_RENDERER_CLASSES": [
            "rest_framework.renderers.JSONRenderer",
            "rest_framework.renderers.BrowsableAPIRenderer",
        ],
    }
