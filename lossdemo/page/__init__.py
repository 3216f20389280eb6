"""The Streamlit layer used by app.py: caching at the page boundary, widgets bound to the URL,
callbacks and the views.

The only part of lossdemo that imports Streamlit; it may import every other layer.
"""
