"""Teaching: the words and formulas the page computes from runs (summaries and findings, the
chain-rule breakdown, the gradient check, the lesson, another optimizer against gradient descent).

May import the engine (and numpy, pandas); never Altair, Streamlit, charts, controls or page.
"""
