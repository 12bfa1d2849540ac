"""Email subject, body, HTML and plain text: NOTIFY_CONTRACT.md sections 3.2, 9.2 and 9.3.

The HTML literals are Notify's inline styles, written out here (not imported) so drift shows.
"""

from __future__ import annotations

import pytest

from simulator.domain.email_render import (
    EMAIL_MAX_BYTES,
    email_body,
    email_html,
    email_plain_text,
    email_subject,
)

P = '<p style="Margin: 0 0 20px 0; font-size: 19px; line-height: 25px; color: #0B0C0C;">'
H2 = (
    '<h2 style="Margin: 0 0 15px 0; padding: 10px 0 0 0; font-size: 27px; line-height: 35px; '
    'font-weight: bold; color: #0B0C0C;">'
)
H3 = (
    '<h3 style="Margin: 0 0 15px 0; padding: 10px 0 0 0; font-size: 19px; line-height: 25px; '
    'font-weight: bold; color: #0B0C0C;">'
)
HR = '<hr style="border: 0; height: 1px; background: #B1B4B6; Margin: 30px 0 30px 0;">'
LI = (
    '<li style="Margin: 5px 0 5px; padding: 0 0 0 5px; font-size: 19px;'
    'line-height: 25px; color: #0B0C0C;">'
)
TABLE = (
    '<table role="presentation" style="padding: 0 0 20px 0;"><tr>'
    '<td style="font-family: Helvetica, Arial, sans-serif;">'
)
UL = '<ul style="Margin: 0 0 0 20px; padding: 0; list-style-type: disc;">'
OL = '<ol style="Margin: 0 0 0 20px; padding: 0; list-style-type: decimal;">'
END_LIST = "</td></tr></table>"
QUOTE = (
    '<div style="Margin: 0 0 20px 0;"><blockquote style="Margin: 0; border-left: 10px solid '
    '#B1B4B6;padding: 15px 0 0.1px 15px; font-size: 19px; line-height: 25px;">'
)
A = '<a style="word-wrap: break-word; color: #1D70B8;" href="{}">{}</a>'


def test_email_size_limit() -> None:
    assert EMAIL_MAX_BYTES == 2_000_000


@pytest.mark.parametrize(
    ("subject", "values", "expected"),
    [
        ("Your 'order' is \"ready\"", {}, "Your ‘order’ is “ready”"),
        ("It's ((name))'s", {"name": "Amala"}, "It’s Amala’s"),
        ("Ref 12 - Dept -- X", {}, "Ref 12 – Dept – X"),
        ("2020-21 well-known", {}, "2020-21 well-known"),  # only spaced hyphens
        ("  lots \t of   space \n here  ", {}, "lots of space here"),
        ("# Not *markdown* [x](y)", {}, "# Not *markdown* [x](y)"),
        ("Hello , ((name)) .", {"name": "A"}, "Hello, A."),
        ("Items: ((list))", {"list": ["a", "b", "c"]}, "Items: a, b and c"),
        ("Reply to 'help@example.com' now", {}, "Reply to 'help@example.com' now"),
        ("the '80s", {}, "the ‘80s"),  # smartypants' decade rule needs a word before the quote
        ('escaped \\"quote\\"', {}, "escaped &#34;quote&#34;"),  # smartypants' escapes stay
        ("<b>'hi'</b>", {}, "<b>‘hi’</b>"),  # not escaped: it is plain text
    ],
)
def test_email_subject(subject: str, values: dict[str, object], expected: str) -> None:
    assert expected == email_subject(subject, values)


@pytest.mark.parametrize(
    ("body", "values", "expected"),
    [
        ("\n  Hello ((name))  \n\n", {"name": "Amala"}, "Hello Amala"),
        ("You need:((docs))", {"docs": ["passport", "bill"]}, "You need:\n\n* passport\n* bill"),
        ("'raw' -- *markdown*", {}, "'raw' -- *markdown*"),
        ("<b>((x))</b>", {"x": "<i>"}, "<b><i></b>"),  # no escaping in the API body
    ],
)
def test_email_body_is_raw_markdown(body: str, values: dict[str, object], expected: str) -> None:
    assert expected == email_body(body, values)


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("Hello", f"{P}Hello</p>"),
        ("line one\nline two\n\nnew paragraph", f"{P}line one<br>line two</p>{P}new paragraph</p>"),
        ("before\n\n\n\n\nafter", f"{P}before</p>{P}after</p>"),
        ("# Title", f"{H2}Title</h2>"),
        ("#Title", f"{H2}Title</h2>"),
        ("## Sub", f"{H3}Sub</h3>"),
        ("### Small", f"{P}Small</p>"),
        ("Title\n===", f"{H2}Title</h2>"),
        ("a\n\n---\n\nb", f"{P}a</p>{HR}{P}b</p>"),
        ("^ inset text", f"{QUOTE}{P}inset text</p></blockquote></div>"),
        ("variable `code`", f"{P}variable `code`</p>"),
        ("~~strike~~ **bold** _under_", f"{P}~~strike~~ **bold** _under_</p>"),
        ("![alt](http://example.com/a.png)", ""),
        ("col | col\n----|----\nval | val", ""),
        ("```\nprint('x')\n```", "print(‘x’)"),
    ],
)
def test_email_html_blocks(markdown: str, expected: str) -> None:
    assert expected == email_html(markdown, {})


def test_emphasis_is_not_rendered() -> None:
    assert f"{P}something *important* and foo ****** bar</p>" == email_html(
        "something *important* and foo ****** bar", {}
    )


@pytest.mark.parametrize(
    "markdown",
    [
        "* one\n* two\n* three",
        "*one\n*two\n*three",
        "- one\n- two\n- three",
        "• one\n• two\n• three",
        "((list))",
    ],
)
def test_bullet_lists(markdown: str) -> None:
    items = "".join(f"{LI}{word}</li>" for word in ("one", "two", "three"))
    expected = f"{TABLE}{UL}{items}</ul>{END_LIST}"
    assert expected == email_html(markdown, {"list": ["one", "two", "three"]})


@pytest.mark.parametrize("markdown", ["1. one\n2. two", "1.one\n2.two", "1. one\n1. two"])
def test_numbered_lists(markdown: str) -> None:
    expected = f"{TABLE}{OL}{LI}one</li>{LI}two</li></ol>{END_LIST}"
    assert expected == email_html(markdown, {})


def test_plus_is_not_a_bullet() -> None:
    assert f"{P}+ one</p>{P}+ two</p>" == email_html("+ one\n+ two", {})


def test_nested_and_loose_lists() -> None:
    nested = f"{TABLE}{UL}{LI}a{TABLE}{UL}{LI}b</li></ul>{END_LIST}</li>{LI}c</li></ul>{END_LIST}"
    assert nested == email_html("* a\n  * b\n* c", {})
    loose = f"{TABLE}{UL}{LI}{P}a</p></li>{LI}{P}b</p></li></ul>{END_LIST}"
    assert loose == email_html("* a\n\n* b", {})


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        (
            "[Example](http://example.com)",
            f"{P}{A.format('http://example.com', 'Example')}</p>",
        ),
        (
            "Visit [our site](www.example.com/xyz).",
            f"{P}Visit {A.format('http://www.example.com/xyz', 'our site')}.</p>",
        ),
        (
            '[Ex](https://example.com "A title")',
            f'{P}<a style="word-wrap: break-word; color: #1D70B8;" href="https://example.com" '
            'title="A title">Ex</a></p>',
        ),
        (
            "link in brackets (http://example.com)",
            f"{P}link in brackets ({A.format('http://example.com', 'http://example.com')})</p>",
        ),
        (
            "https://example.com/?a=1&b=2.",
            f"{P}{A.format('https://example.com/?a=1&amp;b=2', 'https://example.com/?a=1&amp;b=2')}.</p>",
        ),
        (
            "[call](tel:+44123) [mail](mailto:a@example.com)",
            f"{P}{A.format('tel:%2B44123', 'call')} "
            f"{A.format('mailto:a%40example.com', 'mail')}</p>",
        ),
        ("example.com and www.example.com", f"{P}example.com and www.example.com</p>"),
    ],
)
def test_links(markdown: str, expected: str) -> None:
    assert expected == email_html(markdown, {})


def test_autolink_escapes_quotes_in_the_href() -> None:
    href = "https://example.com%22onclick=%22alert%28%27hi"
    text = 'https://example.com"onclick="alert(\'hi'
    expected = f"{P}{A.format(href, text)}‘)</p>"  # the "'" left outside is curled afterwards
    assert expected == email_html("https://example.com\"onclick=\"alert('hi')", {})


def test_values_are_escaped_before_rendering() -> None:
    values = {"name": "<script>x</script> & [link](http://evil.com)"}
    expected = (
        f"{P}Hi &lt;script&gt;x&lt;/script&gt; &amp; {A.format('http://evil.com', 'link')}</p>"
    )
    assert expected == email_html("Hi ((name))", values)


def test_typography_applies_to_text_but_not_links() -> None:
    link = A.format("http://x.com", "'as is'")
    expected = f"{P}‘Quote’ – it’s {link}</p>"
    assert expected == email_html("'Quote' - it's ['as is'](http://x.com)", {})


def test_gov_uk_is_not_left_linkable() -> None:
    assert f"{P}See GOV.\u200bUK or www.gov.uk</p>" == email_html("See GOV.UK or www.gov.uk", {})


def test_unsubscribe_link_is_appended() -> None:
    link = A.format("https://example.com/unsub?a=1&amp;b=2", "Unsubscribe from these emails")
    expected = f"{P}Hello</p>{HR}{P}{link}</p>"
    assert expected == email_html("Hello", {}, unsubscribe_url="https://example.com/unsub?a=1&b=2")


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("Hello", "Hello\n"),
        ("line one\nline two\n\nnew paragraph", "line one\nline two\n\nnew paragraph\n"),
        ("# Title\n\nBody", f"Title\n{'=' * 65}\n\nBody\n"),
        ("## Sub", f"Sub\n{'-' * 65}\n"),
        ("* a\n* b", "• a\n• b\n"),
        ("1. a\n2. b", "1. a\n2. b\n"),
        (
            "[Example](http://example.com) and http://x.com",
            "Example: http://example.com and http://x.com\n",
        ),
        ('[Ex](http://e.com "Title")', "Ex (Title): http://e.com\n"),
        ("a\n\n---\n\nb", f"a\n\n{'=-' * 32}=\n\nb\n"),
        ("^ inset", "inset\n"),
        ("'quotes' & <tags> *stay*", "‘quotes’ & <tags> *stay*\n"),
    ],
)
def test_email_plain_text(markdown: str, expected: str) -> None:
    assert expected == email_plain_text(markdown, {})


def test_email_plain_text_with_values_and_unsubscribe() -> None:
    expected = (
        f"Hi A & B\n\n• x\n• y\n\n{'=-' * 32}=\n\n"
        "Unsubscribe from these emails: https://example.com/u?a=1&b=2\n"
    )
    actual = email_plain_text(
        "Hi ((name))((list))",
        {"name": "A & B", "list": ["x", "y"]},
        unsubscribe_url="https://example.com/u?a=1&b=2",
    )
    assert expected == actual
