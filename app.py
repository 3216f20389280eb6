"""lossdemo: watch the choice of loss decide how fast a neuron learns.

The page in screen order: the sidebar's controls (and the share link), the header, the lesson (and
an open class poll), the replay, the tabs Curves, Up close, Loss shape, Speed map, Landscape and
Network, then the summary, the findings and the live numbers (with the formula strip on the Curves
tab). Every number comes from the `lossdemo` package; runs, maps and chart specs are cached in
`lossdemo.page.cache`, the views live in `lossdemo.page.views`. A student's link to a class poll
(`?room=CODE`) shows the poll's phone page (`lossdemo.page.poll_view`) instead."""

import streamlit as st

from lossdemo.controls.presets import PRESETS
from lossdemo.controls.scenario import Scenario, start_word
from lossdemo.controls.url import PARAMS, parse_starts
from lossdemo.engine.losses import DEFAULT_LOSSES, LOSSES, NEURONS
from lossdemo.engine.neurons import get_kind
from lossdemo.engine.optimizers import DEFAULT_OPTIMIZER, OPTIMIZERS
from lossdemo.language import words
from lossdemo.language.messages import HTML_LANG, N_, _, current
from lossdemo.page import poll_view, state, views
from lossdemo.page.landscape_view import sidebar_note
from lossdemo.page.widgets import control, hidden, language_switch, locked, names

TITLE = N_("Why the loss decides how fast a neuron learns")
# Captions and the replay buttons' key hints ("Space", "Home") in a contrast of at least 4.5:1:
# Streamlit draws both at 60 % opacity (3.9:1 on white; 2.9:1 for "Space" on the Play button).
READABLE_CSS = (
    "[data-testid='stCaptionContainer'], [data-testid^='stBaseButton'] kbd { opacity: 0.85; } "
    # A phone has no keyboard: without the key hints the replay's four buttons share one row.
    "@media (max-width: 640px) { [data-testid^='stBaseButton'] kbd { display: none; } "
    "[data-testid='stHeading'] h2 { font-size: 1.6rem; } "
    # Narrower cells, so that a table of six short columns fits a phone's width.
    "[data-testid='stMarkdownContainer'] :is(th, td) { padding-left: 0.3rem; padding-right: 0.3rem; } } "
    # A control an exercise link locks is still read: its disabled text keeps a 4.5:1 contrast.
    "[data-testid='stWidgetLabel'][disabled] [data-testid='stMarkdownContainer'] p { color: #5f5e5b; } "
    # A table or formula wider than a phone scrolls inside its own box, not the page.
    "[data-testid='stMarkdownContainer'] table { display: block; overflow-x: auto; max-width: 100%; } "
    ".katex-display { overflow-x: auto; overflow-y: hidden; } "
    # A heatmap's cells (a fraction of a pixel past whole pixels) meet without antialiased seams,
    # which otherwise draw a mesh over the Landscape's surfaces.
    "[data-testid='stVegaLiteChart'] .mark-rect path { shape-rendering: crispEdges; }"
)
BOOK = "http://neuralnetworksanddeeplearning.com/chap3.html"
# The summary cards' numbers a little smaller than Streamlit's 2.25rem, so that the longest the
# controls make ("1 − 3.3e-05") fit a quarter of a laptop's main column.
PAGE_CSS = (
    '<style>[data-testid="stMainBlockContainer"] { padding-top: 0.5rem; } '
    # On a phone the sidebar's button sits in a bar over the page's top: the title starts below it.
    "@media (max-width: 640px) { [data-testid='stMainBlockContainer'] { padding-top: 3.5rem; } } "
    # Tighter than Streamlit's 1rem between elements, so that the charts start on a laptop's first screen.
    '[data-testid="stMain"] [data-testid="stVerticalBlock"] { gap: 0.5rem; } '
    f'[data-testid="stMetricValue"] {{ font-size: 2rem; }} {READABLE_CSS}</style>'
)
PRESENTATION_CSS = f"""<style>
{READABLE_CSS}
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"] {{ display: none; }}
[data-testid="stMainBlockContainer"] {{ padding-top: 2.5rem; }}
[data-testid="stMain"] {{ font-size: 1.25rem; }}
[data-testid="stMetricValue"] {{ font-size: 2.8rem; }}
</style>"""

state.read_url_once()
state.speak()  # every word from here on is in the session's language
st.set_page_config(page_title=_("lossdemo: why the loss decides how fast a neuron learns"), layout="wide")
# The document's language, for screen readers, CJK fonts and the browser's offer to translate
# (Streamlit's own <html lang> is always "en"); a fixed string per language, nothing from the URL.
st.html(
    f"<script>document.documentElement.lang = '{HTML_LANG[current()]}';</script>",
    unsafe_allow_javascript=True,
)
if poll_view.joining():  # a student's link to a class poll: the poll's phone page, nothing else
    poll_view.student_page()
    st.stop()

# The sidebar: the language, then the scenario's controls, each bound to its URL parameter.
with st.sidebar:
    language_switch()
    st.header(_("Scenario"))
    views.exercise_note()
    neuron = control(
        st.segmented_control,
        "neuron",
        options=NEURONS,
        default=NEURONS[0],
        required=True,
        format_func=names({key: words.KINDS[key].name for key in NEURONS}),
        on_change=state.neuron_changed,
    )
    kind = get_kind(neuron)
    if not hidden("preset"):  # an exercise link may hide or lock it like any control
        st.selectbox(
            _(PARAMS["preset"].label),
            [
                key
                for key, preset in PRESETS.items()
                if preset.scenario.neuron == neuron and state.agrees(key)
            ],
            index=None,
            format_func=names({key: preset.label for key, preset in PRESETS.items()}),
            placeholder=_("Choose a ready-made start…"),
            key="preset",
            help=_(PARAMS["preset"].help),
            on_change=lambda: state.load_preset(st.session_state.preset),
            disabled=locked("preset"),
        )
    losses = control(
        st.pills,
        "losses",
        options=list(LOSSES[neuron]),
        selection_mode="multi",
        default=list(DEFAULT_LOSSES[neuron]),
        format_func=names({key: words.loss_words(neuron, key).name for key in LOSSES[neuron]}),
    )
    eta = control(st.select_slider, "eta")
    balance = control(st.toggle, "balance")
    optimizer = control(
        st.segmented_control,
        "optimizer",
        options=list(OPTIMIZERS),
        default=DEFAULT_OPTIMIZER,
        required=True,
        format_func=names({key: words.OPTIMIZERS[key].name for key in OPTIMIZERS}),
    )
    epochs = control(st.select_slider, "epochs")
    st.subheader(_("Start"))
    shown_starts = control(st.text_input, "starts", placeholder=kind.starts_example)
    compared, start_notes = parse_starts(shown_starts, neuron) if shown_starts else ((), [])
    for note in start_notes:
        st.warning(note)
    if compared:  # the sliders stay live: disabling a widget would reset its value
        st.caption(
            _("Comparing starts: {names} come from the list above, not the sliders.").format(
                names=_(", ").join(map(start_word, kind.varied))
            )
        )
    start = {name: control(st.slider, name) for name in kind.start}
    widget_rule = control(st.toggle, "widget_rule") if kind.step_rules else False
    scenario = Scenario(
        neuron,
        tuple(losses),
        eta,
        epochs,
        **start,
        balance=balance,
        optimizer=optimizer,
        starts=compared,
        widget_rule=widget_rule,
    )
    if scenario.rule_ignored():  # the toggle stays live: disabling a widget would reset its value
        st.caption(
            _(
                "The book's widget rule stands in for gradient descent's step: it is shown with gradient "
                "descent only, not beside this optimizer."
            )
        )
    sidebar_note(scenario)
    st.subheader(_("View"))
    log_scale = control(st.toggle, "log", on_change="rerun")
    if not st.session_state.get("present"):
        control(st.toggle, "present", on_change="rerun")
        views.poll_start(scenario, st)  # outside the lesson; a lesson step's poll starts in its panel

# The header.
present = bool(st.session_state.get("present"))
if present:
    st.html(PRESENTATION_CSS)
    title, start, toggle = st.columns([3, 1, 1], vertical_alignment="center")
    title.subheader(_(TITLE))
    with start:
        views.lesson_start()
    with toggle:
        control(st.toggle, "present", on_change="rerun")
else:
    st.html(PAGE_CSS)
    title, start = st.columns([4, 1], vertical_alignment="center")
    title.subheader(
        _(TITLE)
    )  # one line beside the lesson's button, so the charts start on a laptop's first screen
    with start:
        views.lesson_start()
if not present and not st.session_state.get("lesson"):  # a lesson step tells its own part of the story
    story = DEFAULT_LOSSES[neuron]  # the source article's two losses
    slow = _(" and ").join(
        words.loss_name(neuron, key).lower() for key in story if LOSSES[neuron][key].carries_slope
    )
    fast = _(" and ").join(
        words.loss_name(neuron, key).lower() for key in story if not LOSSES[neuron][key].carries_slope
    )
    if scenario.compares_starts() and losses:
        st.markdown(
            _(
                "One loss, **{loss}**, the same learning rate, several starts: compare the *shape* of its "
                "learning from each. Watch where **{slope}** is tiny."
            ).format(loss=words.loss_name(neuron, losses[0]).lower(), slope=kind.slope)
        )
    else:
        st.markdown(
            _(
                "The same neuron, the same start, the same learning rate: only the **loss** differs. "
                "Watch where **{slope}** is tiny: there the {slow} cost's gradient is tiny and its cost "
                "curve stays flat, while {fast} keeps learning fast."
            ).format(slope=kind.slope, slow=slow, fast=fast)
        )
if st.session_state.url_notes:
    st.warning(
        _("Some link parameters were ignored or corrected:")
        + "\n\n- "
        + "\n- ".join(st.session_state.url_notes)
    )
if not losses:
    st.info(_("Select at least one loss in the sidebar to compare."))
    st.stop()

# The lesson, then the replay, the views of the run, the summary and findings, and the live numbers.
views.lesson(scenario, present)
views.epoch_views(scenario, log_scale, present)

if not present:
    with st.sidebar:
        views.share(scenario)
    source = _(
        "Source of the argument and of the book presets: Michael Nielsen, *Neural Networks and Deep "
        "Learning*, chapter 3, [The cross-entropy cost function]({cross_entropy}) and [Softmax]({softmax})."
    ).format(cross_entropy=f"{BOOK}#the_cross-entropy_cost_function", softmax=f"{BOOK}#softmax")
    live = (
        _(
            "Every number on this page is computed live with the true gradients, except the runs named "
            "after the book widget's rule."
        )
        if scenario.step_rules()
        else _("Every number on this page is computed live with the true gradients.")
    )
    st.caption(f"{source} {live}")
