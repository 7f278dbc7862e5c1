"""The markup of one-element page parts: texts and attribute values always escaped."""

from __future__ import annotations

from app.markup import tag


def test_text_and_attributes_are_escaped_and_named_with_dashes() -> None:
    assert tag("a", '=IMPORTXML("x") <b>', "text-primary", data_part="flag", href='/x?a=1&b="2"') == (
        '<a class="text-primary" data-part="flag" href="/x?a=1&amp;b=&quot;2&quot;">'
        "=IMPORTXML(&quot;x&quot;) &lt;b&gt;</a>")


def test_bare_empty_and_absent_attributes() -> None:
    assert tag("option", "Все", value="", data_value="", selected=True, title=None) == (
        '<option value="" data-value="" selected>Все</option>')
    assert tag("option", "5", value="/d?p=5", selected=False) == '<option value="/d?p=5">5</option>'


def test_inner_markup_follows_the_text_unescaped() -> None:
    assert tag("div", "Всего: ", inner=tag("span", "3", "text-h5")) == (
        '<div>Всего: <span class="text-h5">3</span></div>')
