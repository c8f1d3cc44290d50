"""Lint of the linguist's room: kg/data's files, their README and the rule registry agree with the code.

Every data file parses in its shape and lists no word twice in a type; every type the code asks for
exists; every file is documented in kg/data/README.md and read by a rule of the registry
(kg/data/rules-v1.tsv); every rule id of the code is in the registry with its version, and every rule of
the registry is used; file versions are consistent.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from kg.lexicon import DATA, LexiconError, path, rows, word_list, words
from kg.rules.model import load_models
from kg.rules.registry import REGISTRY, rule, rules

KG = Path(__file__).resolve().parent.parent / "kg"
SOURCES = sorted(p for p in KG.rglob("*.py"))
README = DATA / "README.md"
MODEL = "model"
#: A data file's name: words joined by hyphens, its version, its extension.
NAME = re.compile(r"^(?P<stem>[a-z]+(?:-[a-z]+)*)-v(?P<version>\d+)\.(?:tsv|txt)$")
#: A data file named in code.
NAMED = re.compile(r"[\"'/ (](?P<name>[a-z]+(?:-[a-z]+)*-v\d+\.(?:tsv|txt))\b")
#: A full rule id written in code (``initiative.quoted/v3``).
RULE_ID = re.compile(r"\b(?P<name>[a-z]+(?:\.[a-z_-]+)+)/(?P<version>v\d+)\b")
#: A rule taken from the registry by name (``rule_id("launched.host")``).
REGISTRY_CALL = re.compile(r"\b(?:rule_id|rule|confidence|default_confidence)\(\"(?P<name>[a-z]+(?:\.[a-z_-]+)+)\"\)")


def data_files() -> list[str]:
    """Every data file of kg/data, as named in the code (``model/`` files with their folder)."""
    return sorted(str(p.relative_to(DATA)) for p in DATA.rglob("*")
                  if p.is_file() and p.name != README.name and "__pycache__" not in p.parts)


def typed(name: str) -> bool:
    return name.endswith(".tsv") and path(name).read_text(encoding="utf-8").startswith("# type\tvalue")


def content_lines(name: str) -> list[str]:
    return [line for line in path(name).read_text(encoding="utf-8").split("\n")
            if line.strip() and not line.startswith("#")]


WORD_LISTS = [name for name in data_files() if not name.startswith(MODEL + "/")]


@pytest.mark.parametrize("name", WORD_LISTS)
def test_every_file_parses_in_its_shape(name: str) -> None:
    lines = content_lines(name)
    assert lines, f"kg/data/{name} has no content"
    if name == REGISTRY:
        assert rules()  # six columns a rule (kg.rules.registry raises otherwise)
    elif typed(name):
        table = words(name)
        assert all(len(line.split("\t")) >= 2 and all(c.strip() for c in line.split("\t")[:2]) for line in lines)
        assert all(re.fullmatch(r"[a-z_]+", kind) for kind in table), sorted(table)
    elif name.endswith(".txt"):
        assert word_list(name)
    else:
        widths = {len(row) for row in rows(name)}
        assert min(widths) >= 2, f"kg/data/{name}: a table needs two columns at least"


def test_a_broken_line_is_an_error_naming_the_file(tmp_path, monkeypatch) -> None:
    import kg.lexicon as lexicon

    (tmp_path / "broken-v1.tsv").write_text("# type\tvalue\nlaunch 开展\n", encoding="utf-8")
    monkeypatch.setattr(lexicon, "DATA", tmp_path)
    with pytest.raises(LexiconError, match=r"broken-v1.tsv:2"):
        lexicon.words.__wrapped__("broken-v1.tsv")


@pytest.mark.parametrize("name", WORD_LISTS)
def test_no_word_is_listed_twice_in_a_type(name: str) -> None:
    if name == REGISTRY:
        items = [line.split("\t")[0] for line in content_lines(name)]
    elif typed(name):
        items = [tuple(c.strip() for c in line.split("\t")[:2]) for line in content_lines(name)]
    elif name.endswith(".txt"):
        items = [word for line in content_lines(name) for word in line.split()]
    else:
        items = [line.split("\t")[0].strip() for line in content_lines(name)]  # a table's key column
    twice = [item for item, n in Counter(items).items() if n > 1]
    assert not twice, f"kg/data/{name}: listed twice: {twice}"


def _file_of(expression: str, consts: dict[str, str]) -> str | None:
    expression = expression.strip()
    if expression[:1] in "\"'":
        return expression[1:-1]
    return consts.get(expression)


def _constants(source: Path, seen: dict[Path, dict[str, str]]) -> dict[str, str]:
    """Module constants naming data files (``GRAMMAR_FILE = "group-grammar-v1.tsv"``), with those imported
    from other kg modules."""
    if source in seen:
        return seen[source]
    seen[source] = consts = {}
    text = source.read_text(encoding="utf-8")
    for m in re.finditer(r"^(\w+)\s*=\s*\"([a-z]+(?:-[a-z]+)*-v\d+\.(?:tsv|txt))\"", text, re.M):
        consts[m.group(1)] = m.group(2)
    for m in re.finditer(r"^from kg\.([\w.]+) import ([^\n(]+)$", text, re.M):
        other = KG.joinpath(*m.group(1).split(".")).with_suffix(".py")
        if other.is_file():
            theirs = _constants(other, seen)
            for imported in (n.strip().split(" as ")[0] for n in m.group(2).split(",")):
                if imported in theirs:
                    consts[imported] = theirs[imported]
    return consts


def type_uses() -> list[tuple[str, str, str]]:
    """(data file, type, module) for every type the code asks a typed list for, found in the source:
    ``words(F)["t"]``, ``entries(F, "t")``, a variable or accessor function holding ``words(F)``
    (``_G["t"]``, ``triggers()["launch"]``, ``grammar("level")``), each also with ``.get("t"``."""
    uses = []
    seen: dict[Path, dict[str, str]] = {}
    for source in SOURCES:
        text = source.read_text(encoding="utf-8")
        consts = _constants(source, seen)
        module = str(source.relative_to(KG.parent))
        arg = r"(\w+|\"[^\"]+\")"
        holders: dict[str, str] = {}  # variable → file
        accessors: dict[str, str] = {}  # function → file
        defs = [(m.group(1), m.group()) for m in re.finditer(r"^def (\w+)\(.*?(?=^\S)", text, re.M | re.S)]
        for _round in range(3):  # an accessor may call another (triggers() → load_lexicon(TRIGGERS_FILE))
            for name, body in defs:
                header = body.split(")", 1)[0]
                local = consts | {d.group(1): consts[d.group(2)] for d in re.finditer(r"(\w+)(?:: \w+)? = (\w+)", header)
                                  if d.group(2) in consts}
                if (w := re.search(r"\bwords\(" + arg + r"\)", body)) and (f := _file_of(w.group(1), local)):
                    accessors[name] = f
                    continue
                for call in re.finditer(r"(?<![.\w])(\w+)\((\w*)\)", body.split(":", 1)[-1]):
                    if call.group(1) in accessors and call.group(1) != name:
                        accessors[name] = consts.get(call.group(2)) or accessors[call.group(1)]
                        break
        for m in re.finditer(r"\b(\w+) = (?:(\w+)\(\)|words\(" + arg + r"\))\s*$", text, re.M):
            f = accessors.get(m.group(2) or "") or (_file_of(m.group(3), consts) if m.group(3) else None)
            if f:
                holders[m.group(1)] = f
        found = []
        for m in re.finditer(r"\bwords\(" + arg + r"\)(?:\[|\.get\()\"([a-z_]+)\"", text):
            found.append((_file_of(m.group(1), consts), m.group(2)))
        for m in re.finditer(r"\bentries\(" + arg + r", \"([a-z_]+)\"\)", text):
            found.append((_file_of(m.group(1), consts), m.group(2)))
        for m in re.finditer(r"(?<![.\w])(\w+)(?:\[|\.get\()\"([a-z_]+)\"", text):
            found.append((holders.get(m.group(1)), m.group(2)))
        for m in re.finditer(r"(?<![.\w])(\w+)\((?:\)(?:\[|\.get\())?\"([a-z_]+)\"", text):
            found.append((accessors.get(m.group(1)), m.group(2)))
        uses += [(f, kind, module) for f, kind in found if f]
    return uses


def test_every_type_the_code_asks_for_exists() -> None:
    uses = type_uses()
    assert len(uses) > 100, "the scan finds the code's uses of types"
    assert {f for f, _k, _m in uses} >= {"initiative-grammar-v1.tsv", "mission-grammar-v1.tsv", "quantities-v1.tsv",
                                         "dates-v1.tsv", "group-grammar-v1.tsv", "triggers-v1.tsv", "initiatives-v1.tsv",
                                         "beneficiary-v1.tsv", "place-grammar-v1.tsv", "candidates-v1.tsv"}
    missing = sorted({(f, kind, module) for f, kind, module in uses if typed(f) and kind not in words(f)})
    assert not missing, f"types the code asks for that the files lack: {missing}"


def test_every_data_file_the_code_names_exists() -> None:
    named = {(m.group("name"), str(source.relative_to(KG.parent))) for source in SOURCES
             for m in NAMED.finditer(source.read_text(encoding="utf-8"))}
    assert len(named) > 10
    missing = sorted((name, module) for name, module in named if not path(name).is_file())
    assert not missing, f"data files named in code that kg/data lacks: {missing}"


def test_every_data_file_is_documented_and_read_by_a_rule() -> None:
    readme = README.read_text(encoding="utf-8")
    undocumented = [name for name in data_files()
                    if f"`{name}`" not in readme and not (name.startswith(MODEL + "/") and f"`{MODEL}/`" in readme)]
    assert not undocumented, f"kg/data/README.md does not describe {undocumented}"
    read = {f for r in rules().values() for f in r.data}
    assert not sorted(set(read) - set(data_files())), "the registry names data files that do not exist"
    unread = [name for name in data_files() if name != REGISTRY and name not in read]
    assert not unread, f"no rule of kg/data/{REGISTRY} reads {unread}"


def test_every_rule_of_the_code_is_in_the_registry_and_every_rule_is_used() -> None:
    used: set[str] = set()
    wrong = []
    for source in SOURCES:
        text = source.read_text(encoding="utf-8")
        for m in RULE_ID.finditer(text):
            if m.group("name").split(".")[0] in ("kg", "model"):
                continue  # a module path (kg.rules/...), a model id
            used.add(m.group("name"))
            try:
                rule(m.group(0))
            except KeyError as error:
                wrong.append((str(source.relative_to(KG.parent)), str(error)))
        for m in REGISTRY_CALL.finditer(text):
            used.add(m.group("name"))
            if m.group("name") not in rules():
                wrong.append((str(source.relative_to(KG.parent)), m.group("name")))
    assert not wrong, f"rule ids of the code not in the registry (or of another version): {wrong}"
    shipped = load_models(path(MODEL))
    models = {name for name in rules() if name.startswith("model.")}
    assert models == {f"model.{decision}" for decision in shipped.models}
    assert all(rules()[name].version == shipped.id for name in models), "model rules carry the shipped model id"
    assert all(rules()[name].component == "ukg_decide" for name in models)
    unused = sorted(set(rules()) - used - models)
    assert not unused, f"registry rules no code names: {unused}"


def test_the_registry_names_real_components_and_confidences() -> None:
    from kg.extract.nlp import PIPELINE

    for r in rules().values():
        assert r.component in PIPELINE or r.component == "kg.ingest", r
        assert re.fullmatch(r"v\d+", r.version) or r.name.startswith("model."), r
        assert r.confidence is None or 0 < r.confidence <= 1, r
        assert r.description.endswith((".", ")")) and len(r.description) > 20, r


def test_versions_in_file_names_are_consistent() -> None:
    stems = Counter()
    for name in WORD_LISTS:
        m = NAME.match(name)
        assert m, f"kg/data/{name}: a data file is named <words>-v<N>.tsv or .txt"
        stems[m.group("stem")] += 1
        # a header that names its file names this version
        header = "\n".join(line for line in path(name).read_text(encoding="utf-8").split("\n")[:12] if line.startswith("#"))
        for other in re.finditer(re.escape(m.group("stem")) + r"-v(\d+)\b", header):
            assert other.group(1) == m.group("version"), f"kg/data/{name}: its header names version {other.group(1)}"
    assert not [stem for stem, n in stems.items() if n > 1], "one version of each data file is shipped"
