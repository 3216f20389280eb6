"""The Chinese interface. The catalogue holds a Chinese translation of every message the code marks,
compiled as committed, with the same placeholders; messages are written so that they can be
extracted (plain literals, never inside an f-string); the language follows the link, else the
browser, else English, per session and per thread; and a `lang=zh` page, in every view, shows no
English word outside formulas, code, keys and a few names."""

from __future__ import annotations

import ast
import gettext
import json
import re
import string
import threading
from pathlib import Path

import pytest
from google.protobuf.json_format import MessageToDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from lossdemo.language import messages
from lossdemo.language.messages import _, from_locale, speaking
from lossdemo.teaching.lesson import STEPS
from tests.apptest_helpers import APP, BASE_URL, PAGE_TIMEOUT, open_page, share_links
from tests.strategies import query_of, valid_states
from tests.untranslated import english_words
from tools.catalogue import MO, current, missing, template

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [ROOT / "app.py", *sorted((ROOT / "lossdemo").rglob("*.py"))]
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_every_message_has_a_chinese_translation():
    assert missing(current(), template()) == []


def test_the_catalogue_keeps_no_message_the_code_no_longer_has():
    wanted = {m.id for m in template() if m.id}
    assert [m.id for m in current() if m.id and m.id not in wanted] == []


def test_the_compiled_catalogue_is_the_po_file():
    with MO.open("rb") as f:
        compiled = gettext.GNUTranslations(f)
    for message in current():
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            assert compiled.ngettext(*message.id, 1) == message.string[0]
            assert compiled.ngettext(*message.id, 2) == message.string[0]  # Chinese: one form
        else:
            assert compiled.gettext(message.id) == message.string, message.id


def test_every_translation_keeps_the_placeholders_of_its_message():
    for message in current():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            assert fields(text) == fields(ids[-1]), (message.id, text)


def test_every_translation_is_chinese():
    """A message left in English (copied over) is not a translation; names and symbols may be."""
    for message in current():
        if message.id and any(c.isalpha() for c in str(message.id)):
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            for text in strings:
                plain = re.sub(r"\{[a-z_]*\}|\$[^$]*\$|`[^`]*`", "", text)
                assert CHINESE.search(plain) or not re.search(r"[A-Za-z]{3,}", plain), (message.id, text)


def calls(tree: ast.AST, inside_fstring: bool = False):
    """Every call in `tree`, with whether it sits inside an f-string."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.Call):
            yield node, inside_fstring
        yield from calls(node, inside_fstring or isinstance(node, ast.JoinedStr))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_messages_are_literals_the_catalogue_can_extract(path):
    """`_()` and `N_()` take a plain string (or, for `_`, a constant marked elsewhere), never an
    f-string or a sum; `ngettext` two literals. No message is written inside an f-string, where
    extraction does not look."""
    for call, in_fstring in calls(ast.parse(path.read_text())):
        name = getattr(call.func, "id", None)
        if name not in ("_", "N_", "ngettext"):
            continue
        where = f"{path.name}:{call.lineno}"
        literal = [isinstance(a, ast.Constant) and isinstance(a.value, str) for a in call.args]
        assert not (in_fstring and any(literal)), f"{where}: a message inside an f-string is never extracted"
        if name == "ngettext":
            assert literal[:2] == [True, True], f"{where}: ngettext needs two literal messages"
        elif name == "N_":
            assert literal == [True], f"{where}: N_ marks one literal message"
        else:
            assert len(call.args) == 1 and not isinstance(call.args[0], ast.JoinedStr | ast.BinOp), (
                f"{where}: _() takes a literal or a marked constant, not a built string"
            )


@pytest.mark.parametrize(
    ("locale", "lang"),
    [
        ("zh-CN", "zh"),
        ("zh_TW", "zh"),
        ("ZH", "zh"),
        ("zh-Hans-CN", "zh"),
        ("en-GB", "en"),
        ("fr-FR", "en"),
        ("", "en"),
        (None, "en"),
        ("zhx", "en"),
    ],
)
def test_the_browser_locale_picks_the_language(locale, lang):
    assert from_locale(locale) == lang


def test_an_unknown_language_is_refused_by_name():
    with pytest.raises(ValueError, match=r"lang='xx'.*en, zh"):
        messages.use("xx")


def test_each_thread_answers_in_its_own_language():
    """Sessions run in threads of one server: one session's language never reaches another's."""
    seen = {}

    def session(lang: str) -> None:
        messages.use(lang)
        barrier.wait()
        seen[lang] = _("Final cost")

    barrier = threading.Barrier(2)
    threads = [threading.Thread(target=session, args=(lang,)) for lang in ("en", "zh")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen["en"] == "Final cost" and CHINESE.search(seen["zh"])
    assert messages.current() == "en"  # this thread never chose


def test_speaking_restores_the_language_after_the_block():
    with speaking("zh"):
        assert CHINESE.search(_("Final cost"))
    assert _("Final cost") == "Final cost"


# ---------------------------------------------------------------------------------------------
# A Chinese page: no English word outside formulas, code, keys and names

TEXT_KEYS = {"body", "label", "help", "placeholder", "text", "options", "content", "formattedOptions"}
SPEC_KEYS = {"title", "description", "subtitle", "text"}
SKIP = ("codeText", "datasets", "id", "formId", "icon", "url", "deltaDescription")  # not words shown


def strings(node, keys: set[str], skip: tuple[str, ...] = SKIP, key: str | None = None):
    """Every string under `node` held by a key in `keys`, not looking under the keys in `skip`; a
    chart's `spec` (JSON) is read for its titles and descriptions."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "spec" and isinstance(v, str):
                yield from strings(json.loads(v), SPEC_KEYS, ("datasets", "data"))
            elif k not in skip:
                yield from strings(v, keys, skip, k)
    elif isinstance(node, list):
        for v in node:
            yield from strings(v, keys, skip, key)
    elif isinstance(node, str) and key in keys:
        yield node


def page_texts(at) -> list[str]:
    """Every text the page shows: elements' and blocks' labels, bodies, help, options, and its charts'
    titles and descriptions (AppTest has no public walk over every element)."""
    found, stack = [], [at._tree]
    while stack:
        node = stack.pop()
        proto = getattr(node, "proto", None)
        if proto is not None:
            found.extend(strings(MessageToDict(proto), TEXT_KEYS))
        stack.extend(getattr(node, "children", {}).values())
    return found


def english_on(at) -> dict[str, list[str]]:
    return {text[:120]: words for text in page_texts(at) if (words := english_words(text))}


ZH_PAGES = [
    {},
    {"view": "Up close"},
    {"view": "Loss shape", "log": "true"},
    {"view": "Speed map"},
    {"view": "Landscape", "data_preset": "plateau"},
    {"view": "Network", "net_epochs": "5", "net_hidden": "10"},
    {"neuron": "softmax"},
    {"neuron": "softmax", "view": "Up close", "classes": "10"},
    {"optimizer": "adam", "epochs": "300"},
    {"optimizer": "momentum", "view": "Loss shape"},
    {"starts": "0.6:0.9,2:2"},
    {"widget_rule": "true"},
    {"balance": "true", "losses": ["quadratic", "cross_entropy", "focal", "absolute"]},
    {"present": "true"},
    {"hide": "eta,epochs", "lock": "losses"},
    {"eta": "abc", "target": "99", "nonsense": "1", "losses": "hinge"},  # a bad link's warnings
]


def query_id(query: dict) -> str:
    return "&".join(f"{k}={v}" for k, v in query.items()) or "default"


@pytest.mark.parametrize("query", ZH_PAGES, ids=query_id)
def test_a_chinese_page_shows_no_english_word(query):
    at = open_page({"lang": "zh"} | query)
    assert not at.exception, at.exception
    assert english_on(at) == {}
    assert CHINESE.search(" ".join(page_texts(at)))


@pytest.mark.parametrize("step", range(1, len(STEPS) + 1))
def test_every_lesson_step_is_in_chinese(step):
    at = open_page({"lang": "zh", "lesson": str(step)})
    assert not at.exception, at.exception
    assert english_on(at) == {}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    valid_states(overrides={"present": False, "lesson": 0}, max_epochs=1000), st.sampled_from(["zh-CN", "zh"])
)
def test_any_scenario_opened_by_a_chinese_browser_is_in_chinese(state, locale):
    """No `lang` in the link: the browser's language decides."""
    query = {key: value for key, value in query_of(state).items() if key != "lang"}
    at = open_page_with_locale(query, locale)
    assert not at.exception, at.exception
    assert english_on(at) == {}


def open_page_with_locale(query, locale):
    at = AppTest.from_file(str(APP), default_timeout=PAGE_TIMEOUT)
    at.context = {"url": BASE_URL, "locale": locale}
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def test_an_english_browser_gets_the_english_page_and_a_link_can_ask_for_chinese():
    english = open_page_with_locale({}, "en-US")
    chinese = open_page_with_locale({"lang": "zh"}, "en-US")
    title = "Why the loss decides how fast a neuron learns"
    assert [h.value for h in english.main.subheader] == [title]
    with speaking("zh"):
        assert [h.value for h in chinese.main.subheader] == [_(title)] != [title]


def test_a_bad_language_falls_back_to_english_with_the_usual_warning():
    at = open_page({"lang": "xx"})
    assert not at.exception
    assert [h.value for h in at.main.subheader] == ["Why the loss decides how fast a neuron learns"]
    notes = at.warning[0].value
    assert "lang: “xx” is not one of en, zh; ignored" in notes


def test_the_share_link_keeps_the_language():
    at = open_page({"lang": "zh", "eta": "0.5"})
    link = share_links(at)[0]
    assert "lang=zh" in link and "eta=0.5" in link
    again = open_page(dict(part.split("=") for part in link.split("?", 1)[1].split("&")))
    assert not again.warning
    with speaking("zh"):
        assert [h.value for h in again.main.subheader] == [_("Why the loss decides how fast a neuron learns")]
