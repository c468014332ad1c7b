"""Language detection and text normalisation for the nine reply languages."""

SUPPORTED = ("en", "ko", "vi", "my", "id", "zh-Hant", "es", "pt", "th")
"""The languages the bot answers in; `zh-Hans` replies are converted from `zh-Hant`."""

REPLY_LANGS = SUPPORTED + ("zh-Hans",)
