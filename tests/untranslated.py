"""English words left on a Chinese page: what the page's text, the AppTest tree's and the browser's,
holds in Latin letters once formulas, code, link values, markup and names are taken out. Shared by
tests/test_language.py and tests/browser/test_language.py. Not a test module."""

from __future__ import annotations

import re

from lossdemo.engine.optimizers import OPTIMIZERS
from lossdemo.language.words import LOSSES as LOSS_WORDS

# Words a Chinese page may show in Latin letters: names, file formats, the symbols' functions.
ALLOWED = {
    "english",
    "language",  # the language switch's own label, in both languages
    "adam",
    "sigmoid",
    "softmax",
    "logit",
    "logits",
    "nielsen",
    "michael",
    "lossdemo",
    "csv",
    "png",
    "svg",
    "json",
    "uci",
    "mnist",
    "exp",
    "log",
    "max",
    "min",
    "sign",
    "torch",
    "pytorch",
    "lin",
    "space",
    "home",
    "left",
    "right",
    "pageup",
    "pagedown",  # the replay's and the lesson's keys
    *OPTIMIZERS,
    # The losses' keys and English names: the values a link accepts, which a bad link's note lists.
    *(
        word
        for (_neuron, key), loss in LOSS_WORDS.items()
        for word in re.split(r"[\W_]+", f"{key} {loss.name}".lower())
    ),
}
CLEAN = [
    (r"<style>.*?</style>", " "),  # the page's CSS
    (r"<script>.*?</script>", " "),  # the page's script (it sets the document's language)
    (r"“[^”]*”", " "),  # what a bad link said, quoted back
    (r"(?m)^(- )?[a-z_]+: ", " "),  # the parameter a note is about, named as in the link
    (r"\$\$.*?\$\$|\$[^$]*\$", " "),  # formulas
    (r"`[^`]*`", " "),  # code
    (r"\]\([^)]*\)", "]"),  # link targets
    (r"https?://\S+", " "),
    (r"<[^>]*>", " "),  # HTML tags
    (r":material/[a-z_]+:|:[a-z]+\[", " "),  # Streamlit icons and colours
    (r"&[a-z]+;", " "),
]


def english_words(text: str) -> list[str]:
    for pattern, replacement in CLEAN:
        text = re.sub(pattern, replacement, text, flags=re.S)
    words = re.findall(r"[A-Za-z]{3,}", text.replace("_", " "))
    return [word for word in words if word.lower() not in ALLOWED]
