"""ntm as a spaCy pipeline: `import ntm; nlp = ntm.nlp(); doc = nlp(text); doc.spans`.

See `ntm.pipeline` for the pipes and what each assigns. Importing `ntm`
does not import spaCy; `ntm.nlp()` does.
"""
from __future__ import annotations


def nlp():
    """A fresh spaCy `Language` that runs ntm's prepare step, lexicon, records and audit."""
    from ntm.pipeline import nlp as build

    return build()
