"""jieba's word cutting and POS tagging on the short windows the rule components look at, with the
same answers as ``jieba.posseg.lcut`` and ``jieba.lcut`` but the dictionary route computed by
jieba-rs (``rjieba``, the Rust port of jieba with the same dictionary).

The rules cut thousands of short windows per corpus (the left context of a group head, the words
before a union name, …); in jieba's Python code most of that time goes into building the word graph
(``get_DAG``) and its best route (``calc``).  Here the text is split into blocks exactly as jieba
does; a block of Chinese characters only (U+4E00–U+9FD5) takes its words from ``rjieba.cut``, which
gives jieba's route there (``hmm=False``) and jieba's segmentation (``hmm=True``) — checked by
tests/test_zh_posseg.py on windows of the seeds and on random snippets.  A block that also holds ASCII
letters or digits takes the route from rjieba too, with the runs of single letters and digits that
jieba-rs merges taken apart again (:func:`_route`), and jieba's own handling of the unknown runs.
POS tags come from jieba.posseg's own word table and HMM, whose Viterbi decoding :func:`viterbi`
does on numpy arrays (the same route as jieba's, faster).  When
rjieba is missing, or a merged run could also be a dictionary word, jieba itself does the work.

Words are ``(word, flag)`` tuples rather than ``jieba.posseg.pair`` objects.

Example:
    >>> lcut("宁波市总工会开展送清凉活动")
    [('宁波市', 'ns'), ('总工会', 'n'), ('开展', 'v'), ('送', 'v'), ('清凉', 'a'), ('活动', 'vn')]
    >>> cut("为职工办实事", hmm=False)
    ['为', '职工', '办实事']
"""

from __future__ import annotations

import re
import sys
from functools import lru_cache

try:
    import rjieba as _RJIEBA
except ImportError:  # pragma: no cover - a declared dependency; jieba itself still works
    _RJIEBA = None

# jieba.posseg's block patterns (re_han_internal, re_skip_internal, re_num, re_eng) and jieba.cut's
# (re_han_default, re_skip_default), copied so that importing this module does not load jieba.
_POS_HAN = re.compile("([\u4E00-\u9FD5a-zA-Z0-9+#&\\._]+)")
_POS_SKIP = re.compile("(\r\n|\\s)")
_NUM = re.compile("[\\.0-9]+")
_ENG = re.compile("[a-zA-Z0-9]+")
_CUT_HAN = re.compile("([\u4E00-\u9FD5a-zA-Z0-9+#&\\._%\\-]+)", re.U)
_CUT_SKIP = re.compile("(\r\n|\\s)", re.U)
# What jieba-rs cuts as jieba does: Chinese characters in jieba's own range, nothing else.
_PURE_HAN = re.compile("[\u4E00-\u9FD5]+")

_TABLES: list = []


def _tables() -> tuple[dict, dict]:
    """jieba.posseg's word → tag table, twice: as the tags, and as the table whose ``get(word)`` is
    true exactly for the words of jieba's dictionary (what jieba asks of its frequencies, ``FREQ``).

    Every word of jieba's dictionary has both a positive frequency and a tag (349,045 words;
    tests/test_zh_posseg.py checks that the two sets are equal), so jieba's own dictionary, 0.6 s to
    load per process, is not needed here.

    The table is jieba.posseg's ``word_tag_tab``, read here from jieba's dictionary file (``word freq
    tag`` per line) at once: importing jieba.posseg builds it line by line, twice as slowly (a quarter
    of a second per process).  tests/test_zh_posseg.py checks the two tables are equal.
    """
    if not _TABLES:
        import jieba

        table = _word_tags_of(jieba.dt) if "jieba.posseg" not in sys.modules else None
        if table is None:  # a dictionary of another form, or jieba.posseg already there: its own table
            import logging

            import jieba.posseg

            jieba.setLogLevel(logging.WARNING)
            jieba.posseg.dt.makesure_userdict_loaded()
            table = jieba.posseg.dt.word_tag_tab
        _TABLES.extend((table, table))
    return _TABLES[0], _TABLES[1]


def _word_tags_of(tokenizer) -> dict[str, str] | None:
    """jieba.posseg's word → tag table of a jieba tokenizer's dictionary, or None when the dictionary
    is not jieba's own or not three fields on every line (then jieba.posseg reads it)."""
    import jieba

    if tokenizer.dictionary != jieba.DEFAULT_DICT or tokenizer.user_word_tag_tab:
        return None
    with tokenizer.get_dict_file() as file:
        data = file.read().decode("utf-8")
    fields = data.split()
    if len(fields) != 3 * len(data.splitlines()):
        return None
    return dict(zip(fields[0::3], fields[2::3]))  # (a word listed twice: its last line, as jieba)


def _hmm_tables() -> tuple[dict, dict, dict, dict]:
    """jieba.posseg's HMM: (char_state_tab_P, start_P, trans_P, emit_P), from its data modules (they
    hold one dict each) without importing jieba.posseg, which would read the whole dictionary again."""
    if "jieba.posseg" in sys.modules:
        import jieba.posseg as jp

        return jp.char_state_tab_P, jp.start_P, jp.trans_P, jp.emit_P
    return _hmm_data_modules()


def _hmm_data_modules() -> tuple[dict, dict, dict, dict]:
    """:func:`_hmm_tables` read from jieba.posseg's data modules (``P = {...}`` each)."""
    import importlib.util
    from pathlib import Path

    import jieba

    folder = Path(jieba.__file__).parent / "posseg"
    tables = []
    for name in ("char_state_tab", "prob_start", "prob_trans", "prob_emit"):
        spec = importlib.util.spec_from_file_location(f"kg._jieba_posseg_{name}", folder / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        tables.append(module.P)
    return tables[0], tables[1], tables[2], tables[3]


_POS_CHARS = re.compile("[\u4E00-\u9FD5a-zA-Z0-9+#&\\._]")  # the characters of _POS_HAN's runs


def run_around(text: str, pos: int, lo: int, hi: int) -> tuple[int, int] | None:
    """The run of jieba.posseg's word characters (``_POS_HAN``) that holds ``pos`` within
    ``text[lo:hi]``, or None when ``text[pos]`` is none of them.  :func:`lcut` cuts such runs each on
    its own, so ``lcut(text[lo:hi])`` has the words of ``lcut(text[start:end])`` there.

    >>> run_around("为推动职工，开展", 6, 0, 8)
    (6, 8)
    """
    if not lo <= pos < hi or not _POS_CHARS.match(text, pos):
        return None
    start = pos
    while start > lo and _POS_CHARS.match(text, start - 1):
        start -= 1
    end = pos + 1
    while end < hi and _POS_CHARS.match(text, end):
        end += 1
    return start, end


def word_tags() -> dict[str, str]:
    """jieba.posseg's word → POS flag table (the words of jieba's dictionary); not to be changed.

    >>> word_tags()["开展"]
    'v'
    """
    return (_TABLES if _TABLES else _tables())[0]


def lcut(text: str, *, hmm: bool = True) -> list[tuple[str, str]]:
    """``[(w.word, w.flag) for w in jieba.posseg.lcut(text, HMM=hmm)]``, faster.

    >>> lcut("参加省总举办的活动", hmm=False)
    [('参加', 'v'), ('省', 'n'), ('总', 'b'), ('举办', 'v'), ('的', 'uj'), ('活动', 'vn')]
    """
    if _RJIEBA is None:
        import jieba.posseg

        return [(w.word, w.flag) for w in jieba.posseg.lcut(text, HMM=hmm)]
    tags, freq = _TABLES if _TABLES else _tables()
    out: list[tuple[str, str]] = []
    if _PURE_HAN.fullmatch(text):  # most windows: one block, no splitting
        route = _RJIEBA.cut(text, False)
        if hmm:
            _tag_hmm(route, tags, freq, out)
            return out
        return [(word, tags.get(word, "x")) for word in route]
    for block in _POS_HAN.split(text):
        if not block:
            continue
        if _POS_HAN.match(block):
            if _PURE_HAN.fullmatch(block):
                route = _RJIEBA.cut(block, False)
                if hmm:
                    _tag_hmm(route, tags, freq, out)
                else:
                    out.extend((word, tags.get(word, "x")) for word in route)
            elif (words := _route(block, freq, merged=not hmm)) is None:
                import jieba.posseg

                out.extend((w.word, w.flag) for w in jieba.posseg.dt.cut(block, HMM=hmm))
            elif hmm:
                _tag_hmm(words, tags, freq, out)
            else:  # runs of ASCII letters and digits are one word, "eng", as in jieba.posseg
                out.extend((word, "eng" if word.isascii() and word.isalnum() else tags.get(word, "x")) for word in words)
            continue
        # jieba.posseg's handling of the rest, quirks included (re_eng is tried on the whole piece)
        for piece in _POS_SKIP.split(block):
            if _POS_SKIP.match(piece):
                out.append((piece, "x"))
                continue
            for char in piece:
                if _NUM.match(char):
                    out.append((char, "m"))
                elif _ENG.match(piece):
                    out.append((char, "eng"))
                else:
                    out.append((char, "x"))
    return out


def _route(block: str, freq: dict, *, merged: bool) -> list[str] | None:
    """jieba's dictionary route through a block that holds ASCII letters or digits, from rjieba; with
    ``merged``, runs of single ASCII letters and digits are one word, as jieba's cut without HMM gives
    them; None when rjieba's words leave it open (a run of letters and digits that is also a word of
    the dictionary, which has none at present).

    jieba-rs merges those runs itself: a word of ASCII letters and digits that is not in the
    dictionary can only be such a run.
    """
    words = _RJIEBA.cut(block, False)
    if merged:
        return None if any(len(w) > 1 and w.isascii() and w.isalnum() and freq.get(w) for w in words) else words
    route: list[str] = []
    for word in words:
        if len(word) > 1 and word.isascii() and word.isalnum():
            if freq.get(word):
                return None
            route.extend(word)
        else:
            route.append(word)
    return route


def _tag_hmm(route: list[str], tags: dict, freq: dict, out: list[tuple[str, str]]) -> None:
    """jieba.posseg's ``__cut_DAG`` over a block whose dictionary route is ``route``: runs of single
    characters that are no dictionary word go through posseg's HMM (:func:`_cut_detail`)."""
    buf = ""
    for word in route:
        if len(word) == 1:
            buf += word
            continue
        if buf:
            _flush(buf, tags, freq, out)
            buf = ""
        out.append((word, tags.get(word, "x")))
    if buf:
        _flush(buf, tags, freq, out)


def _flush(buf: str, tags: dict, freq: dict, out: list[tuple[str, str]]) -> None:
    if len(buf) == 1:
        out.append((buf, tags.get(buf, "x")))
    elif not freq.get(buf):
        if _PURE_HAN.fullmatch(buf):
            _hmm(buf, out)  # _cut_detail's one block
        else:
            _cut_detail(buf, out)
    else:
        out.extend((char, tags.get(char, "x")) for char in buf)


_DETAIL_HAN = re.compile("([\u4E00-\u9FD5]+)")
_DETAIL_SKIP = re.compile("([\\.0-9]+|[a-zA-Z0-9]+)")


def _cut_detail(buf: str, out: list[tuple[str, str]]) -> None:
    """jieba.posseg's ``__cut_detail``: Chinese runs through the HMM, numbers "m", letters "eng"."""
    for block in _DETAIL_HAN.split(buf):
        if _DETAIL_HAN.match(block):
            _hmm(block, out)
            continue
        for piece in _DETAIL_SKIP.split(block):
            if piece:
                out.append((piece, "m" if _NUM.match(piece) else "eng" if _ENG.match(piece) else "x"))


def _hmm(sentence: str, out: list[tuple[str, str]]) -> None:
    """jieba.posseg's ``__cut`` (joint HMM segmentation and tagging) of Chinese characters."""
    out.extend(_hmm_words(sentence))


@lru_cache(maxsize=8192)
def _hmm_words(sentence: str) -> tuple[tuple[str, str], ...]:
    """:func:`_hmm`'s words of a run of characters, kept: the Viterbi decoding costs about half a
    millisecond a run, and the runs (names, rare words) recur within and across articles.

    >>> _hmm_words("柯兆林")
    (('柯兆林', 'nr'),)
    """
    out: list[tuple[str, str]] = []
    states = viterbi(sentence)
    begin = nexti = 0
    for i, char in enumerate(sentence):
        bmes, flag = states[i]
        if bmes == "B":
            begin = i
        elif bmes == "E":
            out.append((sentence[begin:i + 1], flag))
            nexti = i + 1
        elif bmes == "S":
            out.append((char, flag))
            nexti = i + 1
    if nexti < len(sentence):
        out.append((sentence[nexti:], states[nexti][1]))
    return tuple(out)


def cut(text: str, *, hmm: bool = True) -> list[str]:
    """``jieba.lcut(text, HMM=hmm)``, faster.

    >>> cut("已为环卫工人送去清凉")
    ['已', '为', '环卫工人', '送', '去', '清凉']
    """
    if _RJIEBA is None:
        import jieba

        return jieba.lcut(text, HMM=hmm)
    if _PURE_HAN.fullmatch(text):  # most windows: one block, no splitting
        return _RJIEBA.cut(text, hmm)
    _tags, freq = _TABLES if _TABLES else _tables()
    out: list[str] = []
    for block in _CUT_HAN.split(text):
        if not block:
            continue
        if _CUT_HAN.match(block):
            if _PURE_HAN.fullmatch(block):
                out.extend(_RJIEBA.cut(block, hmm))
            elif (route := _route(block, freq, merged=not hmm)) is None:
                import jieba

                out.extend(jieba.dt.cut(block, HMM=hmm))
            elif hmm:
                _cut_hmm(route, freq, out)
            else:
                out.extend(route)
            continue
        for piece in _CUT_SKIP.split(block):
            if _CUT_SKIP.match(piece):
                out.append(piece)
            else:
                out.extend(piece)
    return out


def _cut_hmm(route: list[str], freq: dict, out: list[str]) -> None:
    """jieba's ``__cut_DAG`` over a block whose dictionary route is ``route``: runs of single
    characters that are no dictionary word go through jieba.finalseg (its HMM)."""
    from jieba import finalseg

    buf = ""
    for word in route + [""]:
        if len(word) == 1:
            buf += word
            continue
        if len(buf) == 1:
            out.append(buf)
        elif buf and not freq.get(buf):
            out.extend(finalseg.cut(buf))
        elif buf:
            out.extend(buf)
        buf = ""
        if word:
            out.append(word)


_MIN_FLOAT = -3.14e100
_MODEL: list = []


def _model() -> tuple:
    """jieba.posseg's HMM as arrays over its 256 states in sorted order (so that a larger index is a
    larger state, jieba's tie-break): start and transition log-probabilities (-inf where jieba has no
    transition), which states have transitions, and per character of jieba's table its possible
    states and their emission log-probabilities (:class:`_CharStates`, made for a character when
    it is first asked about)."""
    if not _MODEL:
        import numpy as np

        char_state_tab_p, start_p, trans_p, emit_p = _hmm_tables()
        states = sorted(trans_p)
        index = {state: i for i, state in enumerate(states)}
        n = len(states)
        trans = np.full((n, n), -np.inf)
        follows = np.zeros((n, n), dtype=bool)
        pairs = [(index[a], index[b], p) for a, following in trans_p.items() for b, p in following.items()]
        rows, cols, values = zip(*pairs)  # (set at once: element by element took most of the time here)
        trans[rows, cols] = values
        follows[rows, cols] = True
        start = np.array([start_p[state] for state in states])
        chars = _CharStates(states, index, char_state_tab_p, emit_p)
        _MODEL.extend((states, trans, follows, follows.any(axis=1), start, chars, emit_p))
    return tuple(_MODEL)


class _CharStates(dict):
    """Character → (its possible states as sorted indexes, their emission log-probabilities), each made
    on first use: a process asks about a few hundred of the 6,600 characters of jieba's table, and
    making them all took a tenth of a second per process."""

    def __init__(self, states: list[str], index: dict[str, int], possible: dict, emit_p: dict) -> None:
        super().__init__()
        self._states, self._index, self._possible, self._emit_p = states, index, possible, emit_p

    def get(self, char: str, default=None):
        found = super().get(char)
        if found is None:
            possible = self._possible.get(char)
            if possible is None:
                return default
            import numpy as np

            idx = np.array(sorted({self._index[state] for state in possible}), dtype=np.intp)
            found = self[char] = (idx, np.array([self._emit_p[self._states[i]].get(char, _MIN_FLOAT) for i in idx]))
        return found


def viterbi(obs: str) -> list[tuple[str, str]]:
    """The state route jieba.posseg's Viterbi decoding gives ``obs`` (the same as
    ``jieba.posseg.viterbi.viterbi(obs, char_state_tab_P, start_P, trans_P, emit_P)[1]``),
    computed on arrays: per character, the scores of all (previous state, state) pairs at once, summed
    in jieba's order, ties going to the larger previous state as in jieba.

    >>> viterbi("柯兆林在会上说")[:3]
    [('B', 'nr'), ('M', 'nr'), ('E', 'nr')]
    """
    import numpy as np

    states, trans, follows, has_next, start, chars, emit_p = _model()
    any_of = np.logical_or.reduce

    def possible(char: str, allowed):
        """jieba's obs_states (sorted) with their emission scores."""
        known = chars.get(char)
        if known is not None:
            idx, emit = known
            if allowed is None:
                return idx, emit
            keep = allowed[idx]
            kept = idx[keep]
            if len(kept):
                return kept, emit[keep]
        if allowed is None or not any_of(allowed):
            kept = np.arange(len(states))  # jieba: all states
        else:
            kept = np.flatnonzero(allowed)  # jieba: all the states that can follow
        return kept, np.array([emit_p[states[i]].get(char, _MIN_FLOAT) for i in kept.tolist()])

    idx, emit = possible(obs[0], None)
    score = start[idx] + emit
    back = []
    for char in obs[1:]:
        live = has_next[idx]
        prev, prev_score = idx[live], score[live]
        if not len(prev):  # jieba's max() over no previous state fails: let it fail the same way
            import jieba.posseg as jp
            from jieba.posseg.viterbi import viterbi as jieba_viterbi

            return jieba_viterbi(obs, jp.char_state_tab_P, jp.start_P, jp.trans_P, jp.emit_P)[1]
        idx, emit = possible(char, any_of(follows[prev], axis=0))
        total = prev_score[:, None] + trans[prev[:, None], idx] + emit
        best = (len(prev) - 1) - total[::-1].argmax(axis=0)  # the last maximum: the larger state
        score = total[best, np.arange(len(idx))]
        back.append(dict(zip(idx.tolist(), prev[best].tolist())))
    state = int(idx[(len(idx) - 1) - score[::-1].argmax()])
    route = [state]
    for step in reversed(back):
        state = step[state]
        route.append(state)
    return [states[i] for i in reversed(route)]
