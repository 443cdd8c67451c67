"""Tool registry: typed Python functions become OpenAI tool schemas, never hand-written.

A tool is a plain function whose first parameter is the `ToolContext` (dependencies such as
the store and the search index), whose other parameters are typed (`Annotated[..., Field(...)]`
constraints included), and whose Google-style docstring describes it. Its return annotation is
the pydantic model it returns. `@registry.tool(ToolKind.CHANGE, needs_auth=True, owner="order_id")`
registers it: what a tool is (its kind, whether it needs a signed-in shopper, which argument
names the record it acts on, whether its result is shown to the shopper) is metadata on the
tool, read by the policy, the engine and the adapters. The pydantic model generated from the
signature both validates the model's arguments and produces the JSON schema the model sees.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import Any, Literal, TypeVar

import docstring_parser
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, create_model

F = TypeVar("F", bound=Callable[..., Any])


class ToolKind(StrEnum):
    """What running a tool does to the store, which decides when it may run."""

    READ = "read"
    """Only reads: runs when called."""
    REVERSIBLE = "reversible"
    """A change the shopper can undo (the cart): runs when called."""
    CHANGE = "change"
    """An order or account change: runs only after the shopper's explicit yes."""


Owner = Literal["order_id", "user_id"]
"""The argument naming the record a tool acts on, which must be the signed-in shopper's."""


class ToolError(Exception):
    """An error the model should see as a tool message (bad id, wrong status, ...)."""


class ToolArgumentsError(ToolError):
    """The model's arguments did not validate against the tool's schema."""

    def __init__(self, tool: str, error: ValidationError) -> None:
        details = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '(arguments)'}: {e['msg']}"
            for e in error.errors()
        )
        super().__init__(f"invalid arguments for {tool}: {details}")


@dataclass(frozen=True)
class Tool:
    """One registered tool: the function, its metadata and its generated argument model."""

    name: str
    func: Callable[..., Any]
    kind: ToolKind
    description: str
    args_model: type[BaseModel]
    result_type: Any
    """The return annotation: the type of the result (a pydantic model)."""
    needs_auth: bool = False
    """Shows or changes a shopper's own data: only for a signed-in shopper."""
    owner: Owner | None = None
    """The argument naming the order or user acted on; it must be the shopper's own."""
    identifies: bool = False
    """A successful result is the user id of the shopper (an identity lookup)."""
    shows: bool = False
    """Its result is shown to the shopper as records (cards, tables) under the reply."""
    offered_for: frozenset[str] = frozenset()
    """The request kinds (`assistant.engine.requests`) for which the engine offers the tool:
    a change is offered only when the shopper asked for that kind of change."""

    @cached_property
    def _results(self) -> TypeAdapter[Any]:
        return TypeAdapter(self.result_type)

    def parse_result(self, data: Any) -> Any:
        """The typed result from its JSON data (as logged), e.g. to render a past turn."""
        return self._results.validate_python(data)

    def openai_schema(self) -> dict[str, Any]:
        """The tool in the OpenAI `tools` format, schema generated from the signature."""
        parameters = inline_refs(self.args_model.model_json_schema())
        return {
            "type": "function",
            "function": {
                "name": self.name,
                "description": self.description,
                "parameters": parameters,
            },
        }

    def validate(self, arguments: dict[str, Any]) -> BaseModel:
        """Validate raw arguments from the model; raises `ToolArgumentsError`."""
        try:
            return self.args_model.model_validate(arguments)
        except ValidationError as err:
            raise ToolArgumentsError(self.name, err) from err

    def call(self, ctx: Any, arguments: dict[str, Any]) -> Any:
        """Validate `arguments` and run the tool with `ctx` as its dependencies."""
        args = self.validate(arguments)
        return self.func(ctx, **{name: getattr(args, name) for name in type(args).model_fields})


class ToolRegistry:
    """An ordered set of tools, looked up by name."""

    def __init__(self, tools: Iterable[Tool] = ()) -> None:
        self._tools: dict[str, Tool] = {}
        for tool in tools:
            self.add(tool)

    def add(self, tool: Tool) -> None:
        """Register `tool`; names must be unique."""
        if tool.name in self._tools:
            raise ValueError(f"tool {tool.name!r} is registered twice")
        self._tools[tool.name] = tool

    def tool(
        self,
        kind: ToolKind,
        *,
        needs_auth: bool = False,
        owner: Owner | None = None,
        identifies: bool = False,
        shows: bool = False,
        offered_for: Iterable[str] = (),
        name: str | None = None,
    ) -> Callable[[F], F]:
        """Decorator registering a function as a tool of the given kind and metadata."""

        def register(func: F) -> F:
            self.add(
                make_tool(
                    func,
                    kind,
                    needs_auth=needs_auth,
                    owner=owner,
                    identifies=identifies,
                    shows=shows,
                    offered_for=offered_for,
                    name=name,
                )
            )
            return func

        return register

    def get(self, name: str) -> Tool:
        """The tool called `name`; raises `ToolError` naming the known tools."""
        try:
            return self._tools[name]
        except KeyError:
            raise ToolError(
                f"unknown tool {name!r}; available tools: {', '.join(self._tools)}"
            ) from None

    def __contains__(self, name: object) -> bool:
        return name in self._tools

    def __iter__(self) -> typing.Iterator[Tool]:
        return iter(self._tools.values())

    def __len__(self) -> int:
        return len(self._tools)

    def names(self) -> list[str]:
        """Tool names in registration order."""
        return list(self._tools)

    def openai_schemas(self) -> list[dict[str, Any]]:
        """All tools in the OpenAI `tools` format."""
        return [t.openai_schema() for t in self]


def make_tool(
    func: Callable[..., Any],
    kind: ToolKind,
    *,
    needs_auth: bool = False,
    owner: Owner | None = None,
    identifies: bool = False,
    shows: bool = False,
    offered_for: Iterable[str] = (),
    name: str | None = None,
) -> Tool:
    """Build a `Tool` from a typed function with a Google-style docstring.

    The first parameter is the context and is left out of the schema; every other parameter
    must be annotated (`Annotated[int, Field(ge=1)]` constraints reach the schema and the
    validation) and documented under `Args:`; the return annotation is the result's type.
    """
    doc = docstring_parser.parse(inspect.getdoc(func) or "")
    arg_docs = {p.arg_name: p.description or "" for p in doc.params}
    hints = typing.get_type_hints(func, include_extras=True)
    if "return" not in hints:
        raise TypeError(f"{func.__name__}: a tool needs a return annotation")
    params = list(inspect.signature(func).parameters.values())[1:]
    if owner is not None and owner not in {p.name for p in params}:
        raise TypeError(f"{func.__name__}: owner {owner!r} is not one of its parameters")
    fields: dict[str, Any] = {}
    for param in params:
        if param.name not in hints:
            raise TypeError(f"{func.__name__}: parameter {param.name!r} has no type annotation")
        if param.name not in arg_docs:
            raise TypeError(f"{func.__name__}: parameter {param.name!r} is not documented")
        default = ... if param.default is inspect.Parameter.empty else param.default
        fields[param.name] = (hints[param.name], Field(default, description=arg_docs[param.name]))
    tool_name = name or func.__name__
    model = create_model(
        f"{tool_name}_arguments",
        __config__=ConfigDict(extra="forbid"),
        **fields,
    )
    description = _unwrap(
        "\n\n".join(part for part in (doc.short_description, doc.long_description) if part)
    )
    if not description:
        raise TypeError(f"{func.__name__}: a tool needs a docstring")
    return Tool(
        name=tool_name,
        func=func,
        kind=kind,
        description=description,
        args_model=model,
        result_type=hints["return"],
        needs_auth=needs_auth,
        owner=owner,
        identifies=identifies,
        shows=shows,
        offered_for=frozenset(offered_for),
    )


def _unwrap(text: str) -> str:
    """Join docstring lines wrapped for the source width; keep paragraph breaks."""
    paragraphs = (" ".join(line.strip() for line in p.splitlines()) for p in text.split("\n\n"))
    return "\n\n".join(p for p in paragraphs if p)


def inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """Resolve pydantic's `$ref`/`$defs` in place and drop `title` noise.

    Small models and compact prompt rendering read a self-contained schema far better than
    one that points elsewhere.
    """
    defs = schema.get("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                target = defs[node["$ref"].rsplit("/", 1)[-1]]
                merged = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
                return resolve(merged)
            return {k: resolve(v) for k, v in node.items() if k not in ("$defs", "title")}
        if isinstance(node, list):
            return [resolve(item) for item in node]
        return node

    return resolve(schema)
