"""Google field masks (`fields=sheets.properties.title,files(id,name)`) applied to a response."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

Tree = dict[str, "Tree"]


def parse_mask(mask: str) -> Tree:
    """Parse a field mask into a tree; '/' and '.' both separate levels, '(...)' groups sub-fields."""
    tree: Tree = {}
    _parse(mask.replace("/", ".").replace(" ", ""), 0, tree)
    return tree


def mask_paths(mask: str) -> list[str]:
    """The leaf paths a field mask names, dotted: 'a(b,c/d),e' gives ['a.b', 'a.c.d', 'e']."""
    return list(_mask_paths(mask))


@lru_cache(maxsize=256)
def _mask_paths(mask: str) -> tuple[str, ...]:
    """``mask_paths``, parsed once per distinct mask (an updateCells request repeats one mask per cell)."""
    out: list[str] = []

    def walk(node: Tree, prefix: str) -> None:
        for key, sub in node.items():
            path = f"{prefix}.{key}" if prefix else key
            if sub:
                walk(sub, path)
            else:
                out.append(path)
    walk(parse_mask(mask), "")
    return tuple(out)


def _parse(text: str, pos: int, tree: Tree) -> int:
    path: list[str] = []
    token = ""
    while pos < len(text):
        ch = text[pos]
        if ch == ".":
            path.append(token)
            token = ""
        elif ch == "(":
            node = _descend(tree, [*path, token])
            pos = _parse(text, pos + 1, node)
            path, token = [], ""
        elif ch == ")":
            if token:
                _descend(tree, [*path, token])
            return pos
        elif ch == ",":
            if token:
                _descend(tree, [*path, token])
            path, token = [], ""
        else:
            token += ch
        pos += 1
    if token:
        _descend(tree, [*path, token])
    return pos


def _descend(tree: Tree, path: list[str]) -> Tree:
    node = tree
    for part in path:
        if part:
            node = node.setdefault(part, {})
    return node


def apply_mask(value: Any, tree: Tree) -> Any:
    """Keep only the masked fields; lists are masked item by item; '*' keeps everything."""
    if not tree or "*" in tree:
        return value
    if isinstance(value, list):
        return [apply_mask(v, tree) for v in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for key, sub in tree.items():
        if key in value:
            out[key] = apply_mask(value[key], sub)
    return out
