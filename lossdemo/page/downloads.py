"""Charts as files for slides and handouts: under a chart, a popover with its SVG and PNG."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import streamlit as st

from lossdemo.charts.figures import SLIDE_WIDTH
from lossdemo.language.messages import N_, _
from lossdemo.page.cache import figure

FIGURE_FILES = {  # form: (button label, file name suffix, MIME type)
    "svg": ("SVG", ".svg", "image/svg+xml"),
    "png": ("PNG", ".png", "image/png"),
    "slide": (N_("PNG for slides, {width} px wide, with the scenario"), "-slide.png", "image/png"),
}


def figure_downloads(
    name: str, spec: dict | Callable[[], dict], slide: Callable[[dict], dict] | None = None
) -> None:
    """Under a chart: a popover with the chart as SVG and PNG (and, given `slide`, the figure `slide`
    makes of that spec, at projector width). `spec` is the chart's spec, or a function that builds
    it, for a figure the page does not show as it is (the whole grid of panels shown one by one):
    built only while the popover is open (Altair takes 0.7 s for the epoch panels' grid). Its
    buttons are built only while it is open, and a file is rendered only when its button is clicked:
    the page's reruns never wait for a conversion."""
    popover = st.popover(
        _("Figure for slides"), icon=":material/download:", key=f"figure_{name}", on_change="rerun"
    )
    if not popover.open:
        return
    spec = spec() if callable(spec) else spec
    files = {"svg": spec, "png": spec} | ({"slide": slide(spec)} if slide else {})
    for form, shown in files.items():
        label, suffix, mime = FIGURE_FILES[form]
        popover.download_button(
            _(label).format(width=SLIDE_WIDTH),
            data=partial(figure, shown, form),
            file_name=f"lossdemo-{name}{suffix}",
            mime=mime,
            key=f"figure_{name}_{form}",
            on_click="ignore",
        )
