"""Reading the pages under test: elements by id or tag, and their text."""

from __future__ import annotations

from django.test.html import Element, parse_html


def tree(response) -> Element:
    return parse_html(response.content.decode())


def walk(node):
    if isinstance(node, Element):
        yield node
        for child in node.children:
            yield from walk(child)


def attribute(node: Element, name: str) -> str | None:
    return dict(node.attributes).get(name)


def find_all(node: Element, tag: str | None = None, **attributes) -> list[Element]:
    return [
        element
        for element in walk(node)
        if (tag is None or element.name == tag)
        and all(attribute(element, key) == value for key, value in attributes.items())
    ]


def by_id(node: Element, element_id: str) -> Element:
    [element] = find_all(node, id=element_id)
    return element


def text(node) -> str:
    if isinstance(node, str):
        return node
    return " ".join(" ".join(text(child) for child in node.children).split())


def texts(node: Element, tag: str) -> list[str]:
    return [text(element) for element in find_all(node, tag)]


def links(node: Element) -> list[str]:
    return [attribute(element, "href") for element in find_all(node, "a")]
