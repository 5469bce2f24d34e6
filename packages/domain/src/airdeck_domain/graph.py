"""Building a DAG's graph from its tasks, and questions about it (order, neighbourhoods)."""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable, Sequence

from airdeck_domain.models import Graph, GraphEdge, GraphNode, Task


class CycleError(ValueError):
    """The tasks' dependencies form a cycle; ``cycle`` lists the task ids on it."""

    def __init__(self, cycle: list[str]) -> None:
        super().__init__("dependency cycle: " + " → ".join([*cycle, cycle[0]]))
        self.cycle = cycle


def group_of(task_id: str) -> str | None:
    """The task group a task id belongs to (Airflow prefixes grouped ids with ``group_id.``)."""
    head, dot, _ = task_id.rpartition(".")
    return head if dot else None


def enclosing_groups(group_id: str | None) -> list[str]:
    """``a.b.c`` → ``["a", "a.b", "a.b.c"]``: a group and the groups around it, outermost first."""
    if not group_id:
        return []
    parts = group_id.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


def build_graph(tasks: Sequence[Task]) -> Graph:
    """Nodes from tasks and edges from ``downstream_task_ids`` (edges to unknown ids are dropped).

    Node order follows the task order given; edges are sorted so the result is deterministic.
    """
    known = {t.task_id for t in tasks}
    nodes = [
        GraphNode(
            id=t.task_id,
            label=t.label.rpartition(".")[2] if t.label == t.task_id else t.label,
            operator=t.operator,
            ui_color=t.ui_color,
            trigger_rule=t.trigger_rule,
            is_mapped=t.is_mapped,
            group_id=group_of(t.task_id),
        )
        for t in tasks
    ]
    edges = sorted(
        {
            GraphEdge(source=t.task_id, target=d)
            for t in tasks
            for d in t.downstream_task_ids
            if d in known
        },
        key=lambda e: (e.source, e.target),
    )
    return Graph(nodes=nodes, edges=edges)


def _adjacency(node_ids: Iterable[str], edges: Iterable[GraphEdge]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {n: [] for n in node_ids}
    for e in edges:
        if e.source in out and e.target in out:
            out[e.source].append(e.target)
    return out


def topological_order(graph: Graph) -> list[str]:
    """Node ids in execution order (Kahn's algorithm, ties broken by the graph's node order).

    Raises ``CycleError`` naming a cycle when there is one.
    """
    ids = [n.id for n in graph.nodes]
    position = {n: i for i, n in enumerate(ids)}
    out = _adjacency(ids, graph.edges)
    indegree = dict.fromkeys(ids, 0)
    for targets in out.values():
        for t in targets:
            indegree[t] += 1
    ready = deque(sorted((n for n in ids if indegree[n] == 0), key=position.__getitem__))
    order: list[str] = []
    while ready:
        node = ready.popleft()
        order.append(node)
        released = []
        for t in out[node]:
            indegree[t] -= 1
            if indegree[t] == 0:
                released.append(t)
        ready.extend(sorted(released, key=position.__getitem__))
    if len(order) < len(ids):
        raise CycleError(_find_cycle({n for n in ids if indegree[n] > 0}, out))
    return order


def _find_cycle(candidates: set[str], out: dict[str, list[str]]) -> list[str]:
    # Every node left with a positive in-degree lies on or behind a cycle: walk backwards-free
    # forward steps inside that set until a node repeats.
    node = min(candidates)
    seen: dict[str, int] = {}
    path: list[str] = []
    while node not in seen:
        seen[node] = len(path)
        path.append(node)
        node = next(t for t in sorted(out[node]) if t in candidates)
    return path[seen[node] :]


def without_back_edges(graph: Graph) -> list[GraphEdge]:
    """The graph's edges minus those that close a cycle (found by depth-first search in node
    order), so what remains is acyclic. Used to lay out views that may be cyclic, such as a
    graph with a task group collapsed around a task that runs between two of its members."""
    out = _adjacency([n.id for n in graph.nodes], graph.edges)
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    back: set[tuple[str, str]] = set()
    for root in out:
        if root in state:
            continue
        state[root] = 1
        stack = [(root, iter(out[root]))]
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
            elif state.get(child) == 1:
                back.add((node, child))
            elif child not in state:
                state[child] = 1
                stack.append((child, iter(out[child])))
    return [e for e in graph.edges if (e.source, e.target) not in back]


def neighbourhood(
    graph: Graph,
    task_id: str,
    *,
    upstream: bool = True,
    downstream: bool = True,
    depth: int | None = None,
) -> Graph:
    """The sub-graph around ``task_id``: its upstream and/or downstream tasks up to ``depth``
    steps away (all of them when ``depth`` is None), with the edges between the kept nodes."""
    forward: dict[str, list[str]] = defaultdict(list)
    backward: dict[str, list[str]] = defaultdict(list)
    for e in graph.edges:
        forward[e.source].append(e.target)
        backward[e.target].append(e.source)
    keep = {task_id}
    for wanted, links in ((upstream, backward), (downstream, forward)):
        if not wanted:
            continue
        frontier, steps = [task_id], 0
        while frontier and (depth is None or steps < depth):
            frontier = [n for f in frontier for n in links[f] if n not in keep]
            keep.update(frontier)
            steps += 1
    return Graph(
        nodes=[n for n in graph.nodes if n.id in keep],
        edges=[e for e in graph.edges if e.source in keep and e.target in keep],
    )
