"""The yardstick for how quickly a view opens: the page's default content written as a plain
Streamlit page, with nothing of lossdemo's page layer (no URL state, lesson, language, caches or
prepared chart data). A sidebar of 20 controls, six tabs, four Altair panels over the epochs (one
line per loss, a tooltip each), four summary cards and a table, from the same engine run.

    streamlit run tools/plain_page.py   (tools.idle serves it beside app.py)
"""

import altair as alt
import pandas as pd
import streamlit as st

from lossdemo import simulate_sigmoid

st.set_page_config(page_title="plain page", layout="wide")
with st.sidebar:
    st.header("Scenario")
    st.segmented_control("Neuron", ["sigmoid", "softmax"], default="sigmoid")
    st.selectbox("Preset", ["saturated start", "good start"], index=None)
    losses = st.pills(
        "Losses",
        ["quadratic", "cross_entropy"],
        selection_mode="multi",
        default=["quadratic", "cross_entropy"],
    )
    eta = st.select_slider("Learning rate η", [0.05, 0.1, 0.15, 0.3, 0.5, 1.0], value=0.15)
    st.toggle("Balance")
    st.segmented_control("Optimizer", ["gd", "momentum", "adam"], default="gd")
    epochs = st.select_slider("Epochs", [100, 200, 300, 500, 1000], value=300)
    st.subheader("Start")
    st.text_input("Starts")
    w = st.slider("w", -6.0, 6.0, 2.0)
    b = st.slider("b", -6.0, 6.0, 2.0)
    x = st.slider("x", -2.0, 2.0, 1.0)
    y = st.slider("y", 0.0, 1.0, 0.0)
    st.toggle("Widget rule")
    st.subheader("View")
    st.toggle("Log scale")
    st.toggle("Presentation")
    st.button("Start a class poll")
    st.selectbox("Language", ["English", "中文"])
    st.text_input("Share link", "…")
    st.checkbox("Lock controls")
    st.download_button("Download the runs (CSV)", "epoch,cost\n", file_name="runs.csv")

st.subheader("Why the loss decides how fast a neuron learns")
st.markdown("The same neuron, the same start, the same learning rate: only the **loss** differs.")
runs = pd.concat([simulate_sigmoid(loss, w, b, x, y, eta, epochs).assign(loss=loss) for loss in losses])
tabs = st.tabs(["Curves", "Up close", "Loss shape", "Speed map", "Landscape", "Network"])
with tabs[0]:
    columns = st.columns(2) + st.columns(2)
    for column, (field, title) in zip(
        columns, [("cost", "Cost"), ("grad_w", "Gradient size"), ("sigma_prime", "σ′(z)"), ("a", "Output a")]
    ):
        chart = (
            alt.Chart(runs, title=title)
            .mark_line()
            .encode(x="epoch:Q", y=f"{field}:Q", color="loss:N", tooltip=["loss", "epoch", field])
        )
        column.altair_chart(chart)
    cards = st.columns(4)
    for card, loss in zip(cards, losses * 2):
        run = runs[runs["loss"] == loss]
        card.metric(
            f"{loss}: cost",
            f"{run['cost'].iloc[-1]:.3g}",
            f"{run['cost'].iloc[-1] - run['cost'].iloc[0]:.3g}",
        )
    st.dataframe(runs.groupby("loss")[["cost", "a", "sigma_prime"]].agg(["first", "last"]))
