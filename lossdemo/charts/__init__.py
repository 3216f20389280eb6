"""Charts: pure functions from tidy frames to Altair charts and Vega-Lite specs, one module per
chart, each saying which data it expects. Shared colours, dashes and fonts live in `style`.

May import the engine, Altair, numpy and pandas; never Streamlit, teaching, controls or page.
"""
