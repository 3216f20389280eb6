"""Controls: the page's state without Streamlit. The scenario and its presets, the URL parameters
(names, ranges, the parser and the share link) and the replay clock.

May import the engine and teaching (numpy, pandas); never Altair, Streamlit, charts or page.
"""
