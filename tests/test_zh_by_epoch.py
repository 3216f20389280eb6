"""Chinese "by epoch N" includes epoch N (issue #33, item 9).

In English "halved by epoch N" means at or before epoch N: the error is within the goal at epoch N.
第 N 个迭代期前 means *before* epoch N, which is false when N is the first epoch within the goal
(lesson step 3: a(16) = 0.511, a(17) = 0.472, "by epoch 17"). The catalogue writes it one way,
到第 N 个迭代期时. The messages are found in the catalogue itself and read through gettext as the
page reads them, so a message added later with the old wording fails here too."""

from __future__ import annotations

import re

import numpy as np

from lossdemo.controls.presets import PRESETS
from lossdemo.controls.scenario import runs
from lossdemo.language.messages import _, ngettext, speaking
from lossdemo.teaching.lesson import STEPS
from tools.catalogue import current

BY_EPOCH = re.compile(r"\bby\s+epoch\b(?:\s+\{(\w+)\})?")
INCLUSIVE = "到第 {{{field}}} 个迭代期时"  # the catalogue's one wording of "by epoch {field}"


def before(field: str) -> re.Pattern[str]:
    """Chinese saying "before" the epoch `field`: 前 (之前, 以前) right after its placeholder."""
    return re.compile(rf"\{{{field}\}}\s*(?:个\s*)?(?:迭代期)?\s*[之以]?前")


def by_epoch_messages() -> dict[str, list[str]]:
    """Every catalogue message whose English says "by epoch": its English -> its Chinese (each form),
    read with `speaking("zh")` through `_` (or `ngettext`)."""
    found = {}
    for message in current():
        if not message.id:
            continue
        english = message.id if isinstance(message.id, str) else message.id[0]
        if not BY_EPOCH.search(english):
            continue
        with speaking("zh"):
            if isinstance(message.id, str):
                found[english] = [_(message.id)]
            else:
                found[english] = [ngettext(*message.id, n) for n in (1, 2)]
    return found


def test_the_catalogue_has_by_epoch_messages_to_check():
    found = by_epoch_messages()
    assert "by epoch {epoch}" in found  # the lesson's phrase
    assert len(found) >= 6


def test_before_recognises_the_old_wording_and_its_variants():
    for text in ("在第 {epoch} 个迭代期前", "第 {epoch} 个迭代期之前", "第{epoch}个迭代期以前", "{epoch} 前"):
        assert before("epoch").search(text), text
    for text in ("到第 {epoch} 个迭代期时", "在第 {epoch} 个迭代期（含）之前", "第 {epochs} 个迭代期前"):
        assert not before("epoch").search(text), text


def test_no_chinese_by_epoch_says_before_the_epoch():
    wrong = []
    for english, chinese in by_epoch_messages().items():
        fields = [m.group(1) for m in BY_EPOCH.finditer(english)]
        for text in chinese:
            for field in fields:
                if field is None:  # "by epoch" without a number: no 迭代期前 anywhere
                    if re.search(r"迭代期\s*[之以]?前", text):
                        wrong.append((english, text))
                elif before(field).search(text) or INCLUSIVE.format(field=field) not in text:
                    wrong.append((english, text))
    assert wrong == []


def lesson_sentences() -> list[tuple[str, str]]:
    """Each lesson step's sentence about its runs in English and in Chinese."""
    pairs = []
    for step in STEPS:
        if step.preset is None:
            continue
        args = [runs(PRESETS[step.preset].scenario)]
        if step.baseline:
            args.append(runs(PRESETS[step.baseline].scenario))
        english = step.look(*args)
        with speaking("zh"):
            chinese = step.look(*args)
        pairs.append((english, chinese))
    return pairs


def test_the_lesson_in_chinese_includes_the_epoch_it_names():
    checked = 0
    for english, chinese in lesson_sentences():
        for number in re.findall(r"\bby epoch (\d[\d,]*)", english):
            assert f"第 {number} 个迭代期" in chinese, (english, chinese)
            assert not re.search(rf"(?<![\d,]){number} 个迭代期\s*[之以]?前", chinese), (english, chinese)
            checked += 1
    assert checked >= 5


def test_step_three_is_below_half_at_the_epoch_it_names_not_before():
    """The badly wrong start: the cross-entropy output is first below 0.5 at epoch 17, so "by epoch 17"
    is true and "before epoch 17" is not."""
    frame = runs(PRESETS["badly_wrong"].scenario)
    a = frame[frame["loss"] == "cross_entropy"]["a"].to_numpy()
    first = int(np.argmax(a < 0.5))
    assert (first, round(a[first - 1], 3), round(a[first], 3)) == (17, 0.511, 0.472)
    step = next(step for step in STEPS if step.preset == "badly_wrong")
    with speaking("zh"):
        chinese = step.look(runs(PRESETS["badly_wrong"].scenario))
    assert "到第 17 个迭代期时" in chinese and "17 个迭代期前" not in chinese, chinese
