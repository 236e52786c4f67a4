"""YAML for recipes and ``--set`` values: safe, strict about duplicates, bounded in size.

PyYAML's ``safe_load`` keeps the last of two equal keys (a second ``stages:`` silently drops
the first list) and expands aliases without limit: a ten-line "billion laughs" file is
reference-shared while loading, but every consumer that walks it (config merging, hashing a
pipeline stage, ``json.dumps``) pays for the full expansion, gigabytes and minutes. This
loader refuses both, with the line, before anything walks the data.
"""

from __future__ import annotations

from typing import Any

import yaml

#: nodes the document may hold once every alias is expanded; real recipes have a few hundred
MAX_NODES = 100_000
_MERGE = "tag:yaml.org,2002:merge"


class YamlProblem(ValueError):
    """A YAML document that parses but is refused; ``line`` is 1-based (0: unknown)."""

    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(message)
        self.line = line


class _StrictLoader(yaml.SafeLoader):
    """``SafeLoader`` that refuses a key written twice in one mapping."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == _MERGE or not isinstance(key_node, yaml.ScalarNode):
                continue  # `<<: *defaults` may be overridden: that is what merge keys are for
            key = self.construct_object(key_node)
            line = key_node.start_mark.line + 1
            if key in seen:
                raise YamlProblem(
                    f"duplicate key {key!r} (also on line {seen[key]}); YAML keeps only the "
                    "last one, so the first would be silently dropped",
                    line,
                )
            seen[key] = line
        return super().construct_mapping(node, deep=deep)


def _expanded_size(root: yaml.Node) -> int:
    """Nodes in ``root`` with every alias expanded (shared nodes counted at each use)."""
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in active:
            raise YamlProblem("a recursive alias (an anchor used inside itself)", _line(node))
        active.add(key)
        if isinstance(node, yaml.SequenceNode):
            total = 1 + sum(size(child) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            total = 1 + sum(size(k) + size(v) for k, v in node.value)
        else:
            total = 1
        active.discard(key)
        sizes[key] = min(total, MAX_NODES + 1)  # capped: the sum cannot grow without bound
        return sizes[key]

    return size(root)


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1 if node.start_mark else 0


def load(text: str) -> Any:
    """Parse one YAML document like ``yaml.safe_load``, refusing duplicate keys, recursive
    aliases and documents over :data:`MAX_NODES` nodes once aliases are expanded.

    Raises ``yaml.YAMLError`` for malformed YAML and :class:`YamlProblem` for refused YAML.
    """
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if _expanded_size(node) > MAX_NODES:
            raise YamlProblem(
                f"more than {MAX_NODES:,} values once its aliases are expanded "
                "(an alias bomb?); refused",
                _line(node),
            )
        return loader.construct_document(node)
    finally:
        loader.dispose()
