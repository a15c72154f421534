"""The public pages the browser tests visit, per language."""

LANGUAGES = ["en", "es", "zh-hans", "ar", "ur", "bn", "ht"]
GUIDE = "guides/your-idnyc/"

# name -> path under /<lang>/
PAGES = {
    "home": "",
    "guide": GUIDE,
    "card": f"{GUIDE}card/",
    "alert list": "alerts/",
    "subscribe": "subscribe/",
    "policy tracker": "policy/",
}
