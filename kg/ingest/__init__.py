"""Ingest: files → :class:`~kg.records.Article` records.

The modules, in the order a file goes through them: :mod:`kg.ingest.discover` (the supported files under
the given paths), :mod:`kg.ingest.files` (regular-file reads), :mod:`kg.ingest.read` (one file → articles,
by kind), :mod:`kg.ingest.decode` (bytes → text in normal form), :mod:`kg.ingest.html` (HTML → lines),
:mod:`kg.ingest.lines` (kinds of page lines), :mod:`kg.ingest.chrome` (the page chrome filter),
:mod:`kg.ingest.layout` (a page of lines → articles), :mod:`kg.ingest.jsonl` (JSON lines → articles).

Decisions (the later stages rely on them):

* **Decoding** (:func:`kg.ingest.decode.decode`): a BOM wins (UTF-8, UTF-16, UTF-32); then strict UTF-8; then GB18030
  and Big5 are both tried and the decoding that is clean and reads as more common Chinese wins.
  NUL bytes or a known binary signature (PDF, ZIP, PNG, …) make the file binary.
* **Normal form** (:func:`kg.ingest.decode.normalize`): Unicode NFKC, so full-width digits, letters and punctuation
  become half-width ("，" → ",", "（" → "(") — the gold scoring compares labels in NFKC too;
  newlines are unified, control and zero-width characters dropped, trailing spaces stripped, and
  pinyin with tone marks printed in brackets after a character ("會(huì)") dropped.
  Traditional characters are *kept*: labels say what the source says, and the nlp stage works on
  the length-preserving simplified view :func:`kg.zh.text.to_simplified`.  The layout heuristics
  below look at that simplified view, so they work for traditional pages as well.
* **Article text**: headline lines first (kicker, headline, sub-headline, one a line), a blank
  line, then the body paragraphs separated by "\\n".  The dateline (本报讯(记者…), 本报南京11月22日电,
  中工网讯, any "<paper or site>讯")
  stays at the start of the first body paragraph and is also stored in ``dateline``.  Photo
  credits ("通讯员某某 摄") and byline lines ("本报记者 某某") are not in the text; the names go to
  ``byline``.  Captions stay in the body: they state facts.
* **Layout repair**: a body paragraph that stops mid-sentence (no 。!?… at the end) is joined,
  without separator, to the next paragraph unless that one starts a new article, is a credit,
  a dateline, or a clause-spaced heading ("甲甲 乙乙").
* **Article starts**: a headline block (one to three short lines without sentence punctuation)
  starts an article when it has two or more lines, or is followed by a dateline, a byline line or
  a "阅读提示" label, or is followed within a few paragraphs by a photo credit (a photo story).
  A single short line inside a running article is a section heading and stays in it.  A photo
  credit closes its article: what follows belongs to a new one (a body without headline gets the
  first words of its first paragraph as headline).  "(上接第1版)" starts a new article, and so
  does a headline that a headline list of the page names.
* **Editor's notes** ("……——编者") with a headline of their own become their own article; without
  one they stay with the article they are printed in.
* **Dates**: ISO ``YYYY-MM-DD`` only from a full date the source states (a JSONL ``date`` field, a
  dateline with a year, a page-header date or meta line before the text, an HTML publish-date
  meta tag).  Month and day without a year give no date.
* **Page chrome** (:func:`kg.ingest.chrome.page_chrome`, ``ingest.chrome/v1``): site navigation, breadcrumbs, meta
  lines (来源/发布时间 with the page date), tool and share bars, headline lists of other stories
  (under a label such as 相关新闻, in a run of bullets, four or more title lines in a row, titles a
  later headline repeats, the page's headlines run together), editor lines and footers are dropped
  from pages of any kind before the split, by features of each line (length, sentence punctuation,
  separators, brackets, bullets, a date, the chrome words of kg/data/chrome-v1.tsv) and its place:
  title lines above the chrome over the first headline block and short lines in the chrome after
  the last sentence go too.  Credits, bylines, datelines and captions stay.  A title that a headline
  list of the page names starts an article.
* **HTML**: script, style, nav, header, footer, aside, form and elements whose class/id says
  nav/menu/footer/breadcrumb/sidebar are dropped, block elements become line breaks, then the lines
  go through the page chrome filter and the split as a text page does.  ``line`` for HTML articles
  is the line of the HTML source where the article's first text is.
* **Hostile input** (tests/test_fuzz.py): time is linear in the input (an HTML tokenizer of our own,
  regular expressions without ambiguous repetitions); a file cut anywhere (inside a character, a tag,
  a JSONL line) keeps what comes before the cut; every problem is one line.
"""
