"""An offline index of the workspace REST API: endpoints, path templates, matching, completion, did you mean.

Pure: no IO. `notebook.rest.apiscan` builds the endpoints from databricks-sdk's source and
`notebook.rest.apicache` keeps them on disk; this module only answers questions about them:

    index.endpoints_for("/api/2.1/clusters/list")    -> the endpoints matching a path, one per method
    index.is_known("/api/2.0/clu")                   -> the path is a template or a prefix of one
    index.suggest("/api/2.0/clusters/lst")           -> ["/api/2.0/clusters/list", ...]   (difflib)
    index.complete_path("/api/2.0/clusters/li")      -> ["/api/2.0/clusters/list", ...]

A template segment `{name}` matches any one non-empty segment.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

__all__ = ["FORMAT", "ApiIndex", "Endpoint"]

FORMAT = 1  # the JSON layout of `ApiIndex.to_json`; a cache in another format is rebuilt
_SUGGESTIONS = 3
_CUTOFF = 0.75


class Endpoint(NamedTuple):
    """One operation: `GET /api/2.1/clusters/list`, its query and body field names, a one-line summary."""

    method: str
    template: str
    query: tuple[str, ...] = ()
    body: tuple[str, ...] = ()
    summary: str = ""

    @property
    def path_params(self) -> tuple[str, ...]:
        return tuple(part[1:-1] for part in self.template.split("/") if _is_param(part))

    @property
    def literal_count(self) -> int:
        return sum(1 for part in self.template.split("/") if part and not _is_param(part))

    def as_list(self) -> list[Any]:
        return [self.method, self.template, list(self.query), list(self.body), self.summary]

    @classmethod
    def from_list(cls, item: Sequence[Any]) -> Endpoint:
        method, template, query, body, summary = item
        return cls(method, template, tuple(query), tuple(body), summary)


def _is_param(segment: str) -> bool:
    return len(segment) > 2 and segment.startswith("{") and segment.endswith("}")


def _segments(path: str) -> list[str]:
    return path.split("/")[1:]  # "/api/2.0/x" -> ["api", "2.0", "x"]


class _Node:
    """A trie node over path segments: literal children, one `{param}` child, the endpoints ending here."""

    __slots__ = ("endpoints", "literal", "param", "param_name")

    def __init__(self) -> None:
        self.literal: dict[str, _Node] = {}
        self.param: _Node | None = None
        self.param_name = ""
        self.endpoints: list[Endpoint] = []


class ApiIndex:
    """The endpoints of one databricks-sdk version, looked up by concrete path or by a typed prefix."""

    def __init__(self, endpoints: Iterable[Endpoint], sdk_version: str = "") -> None:
        self.sdk_version = sdk_version
        self.endpoints = list(endpoints)
        self._root = root = _Node()
        # the first completion in a kernel builds this trie from the cache: kept to plain loops (3x faster)
        for endpoint in self.endpoints:
            node = root
            for segment in endpoint.template.split("/")[1:]:
                if segment[:1] == "{" and segment[-1:] == "}":
                    following = node.param
                    if following is None:
                        following = node.param = _Node()
                        node.param_name = segment
                else:
                    following = node.literal.get(segment)
                    if following is None:
                        following = node.literal[segment] = _Node()
                node = following
            node.endpoints.append(endpoint)
        self._templates = sorted({e.template for e in self.endpoints})

    def __len__(self) -> int:
        return len(self.endpoints)

    # -- lookups by a concrete path ------------------------------------------------------------------
    def _nodes(self, path: str) -> list[_Node]:
        """The trie nodes `path` reaches; a literal segment wins over a `{param}` one, both are followed."""
        nodes = [self._root]
        for segment in _segments(path):
            following: list[_Node] = []
            for node in nodes:
                if segment in node.literal:
                    following.append(node.literal[segment])
                if node.param is not None and segment:
                    following.append(node.param)
            if not following:
                return []
            nodes = following
        return nodes

    def endpoints_for(self, path: str) -> list[Endpoint]:
        """Every endpoint whose template matches `path` (one per method, literal templates first)."""
        found: dict[str, Endpoint] = {}
        for node in self._nodes(path):
            for endpoint in node.endpoints:
                found.setdefault(endpoint.method, endpoint)
        return list(found.values())

    def endpoint(self, method: str, path: str) -> Endpoint | None:
        return next((e for e in self.endpoints_for(path) if e.method == method), None)

    def methods(self, path: str, *, closest: bool = False) -> list[str]:
        """The methods `path` takes; with `closest`, only those of its most literal templates (for
        /api/2.0/token/list: GET of token/list, not PATCH of token/{token_id})."""
        found = self.endpoints_for(path)
        if closest and found:
            best = max(e.literal_count for e in found)
            found = [e for e in found if e.literal_count == best]
        return sorted(e.method for e in found)

    def is_known(self, path: str) -> bool:
        """`path` matches a template, or is a prefix of one ("/api/2.0/clusters/" is known)."""
        return bool(self._nodes(path.rstrip("/") or "/")) if path != "/" else True

    def suggest(self, path: str, limit: int = _SUGGESTIONS) -> list[str]:
        """The known templates closest to `path`, best first; [] when nothing is close."""
        if not self._templates:
            return []
        import difflib  # lazy: only a typo needs it, and every %dbrest call imports this module

        close = difflib.get_close_matches(path, self._templates, n=limit, cutoff=_CUTOFF)
        if close:
            return close
        # a concrete id makes the whole string far from `{id}`: compare the parent paths as well
        parent = path.rsplit("/", 1)[0]
        return [t for t in self._templates if t.startswith(parent + "/")][:limit] if parent else []

    # -- completion of a typed prefix ----------------------------------------------------------------
    def complete_path(self, typed: str, method: str | None = None) -> list[str]:
        """Paths that complete `typed` up to the end of its last segment: `…/list` when that is an
        endpoint, `…/clusters/` when there is more below. With `method`, only paths that lead to one."""
        if not typed.startswith("/"):
            return []
        head, _, partial = typed.rpartition("/")
        nodes = self._nodes(head) if head else [self._root]
        offered: dict[str, None] = {}
        for node in nodes:
            for segment, child in self._children(node):
                if not segment.startswith(partial) and not (_is_param(segment) and not partial):
                    continue
                prefix = f"{head}/{segment}"
                if child.endpoints and _leads_to(child, method, here=True):
                    offered[prefix] = None
                if (child.literal or child.param) and _leads_to(child, method, here=False):
                    offered[prefix + "/"] = None
        return sorted(offered, key=lambda p: (p.strip("/").count("/"), p))

    @staticmethod
    def _children(node: _Node) -> list[tuple[str, _Node]]:
        children = list(node.literal.items())
        if node.param is not None:
            children.append((node.param_name, node.param))
        return children

    def query_names(self, method: str, path: str) -> tuple[str, ...]:
        endpoint = self.endpoint(method, path)
        return endpoint.query if endpoint is not None else ()

    # -- storage ---------------------------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "sdk_version": self.sdk_version,
            "endpoints": [e.as_list() for e in self.endpoints],
        }

    @classmethod
    def from_json(cls, data: Any) -> ApiIndex:
        """The index from `to_json`'s form; ValueError when the data is in another format."""
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError("not an API index in the current format")
        endpoints = [Endpoint.from_list(item) for item in data["endpoints"]]
        return cls(endpoints, str(data.get("sdk_version", "")))


def _leads_to(node: _Node, method: str | None, *, here: bool) -> bool:
    """Whether an endpoint with `method` ends at `node` (`here`) or anywhere below it."""
    if method is None:
        return True
    if here:
        return any(e.method == method for e in node.endpoints)
    stack = [*node.literal.values(), *([node.param] if node.param else [])]
    while stack:
        current = stack.pop()
        if any(e.method == method for e in current.endpoints):
            return True
        stack.extend(current.literal.values())
        if current.param is not None:
            stack.append(current.param)
    return False
