"""Language: the page's words in English and Simplified Chinese, from one gettext catalogue.

Every other layer may import it; it imports nothing from lossdemo (and neither Streamlit nor Altair).
Messages are written in English in the code, marked `_("…")` where they are shown and `N_("…")`
where a constant is defined (translated where it is shown: `_(constant)`); the Chinese catalogue is
`locales/zh/LC_MESSAGES/lossdemo.po`, compiled to `lossdemo.mo` next to it by `python3 -m tools.catalogue`.
"""
