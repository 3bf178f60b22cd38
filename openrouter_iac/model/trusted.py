"""Building a live spec without pydantic's full validation, where a type test says the same.

The reader builds one spec per live object: 20,000 keys were 20,000 ``model_validate`` calls, the
largest part of the reader's own CPU. Nearly every value the API gives is of the plainest sort (a
bool, a string, a number, a name out of a ``Literal``, a list of strings, a model already built),
and checking one is a type test. :func:`read` and :func:`build` check each value as validation
would, convert it the same way (an ``int`` where a ``float`` is declared becomes a float), run the
field's own validators and fill in the defaults. Anything else (a value of another type, a
constraint, nested value or validator this module does not read, a model-level validator) sends
the whole object through ``model_validate``, so the spec built, or the error raised, is always
the one validation gives. The planner compares live specs with config specs:
``tests/live/test_trusted_build.py`` checks that both ways build equal specs, field by field and
type by type, for every field of every kind.
"""

# No `from __future__ import annotations`: like the model modules, annotations are read as objects.

import copy
import functools
import inspect
import math
import types
from collections.abc import Callable, Collection
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, TypeVar, Union, get_args, get_origin

import annotated_types
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from openrouter_iac.model.wire import plain_fields, read_plain

if TYPE_CHECKING:
    from pydantic import TypeAdapter

M = TypeVar("M", bound=BaseModel)

Check = Callable[[Any], Any]
"""A value (never None) as validation makes it; raises for a value it cannot vouch for."""


class _Unsure(Exception):
    """This value needs pydantic's validation."""


_NONE = type(None)
_set = object.__setattr__
_new = object.__new__


def _never(value: Any) -> Any:
    raise _Unsure


def _bool(value: Any) -> Any:
    if value is True or value is False:
        return value
    raise _Unsure


def _int(value: Any) -> Any:
    if type(value) is int:
        return value
    raise _Unsure


@functools.cache
def _datetimes() -> "TypeAdapter[datetime]":
    from pydantic import TypeAdapter  # when first needed: not part of every command's start-up

    return TypeAdapter(datetime)


def _datetime(value: Any) -> Any:
    # Parsed by pydantic itself (its own UTC tzinfo, its ISO 8601 dialect): only the rest is skipped.
    if type(value) is not str:
        raise _Unsure
    try:
        return _datetimes().validate_python(value)
    except ValidationError:
        raise _Unsure from None


class _Bounds(NamedTuple):
    ge: Any = None
    le: Any = None
    min_length: int | None = None
    max_length: int | None = None


def _bounds(metadata: list[Any]) -> _Bounds | None:
    """The field's bounds and lengths; None for any other metadata pydantic validates with
    (orctl's own markers, traits and ``Wire``, pydantic ignores)."""
    found: dict[str, Any] = {}
    for item in metadata:
        if isinstance(item, annotated_types.Ge):
            found["ge"] = item.ge
        elif isinstance(item, annotated_types.Le):
            found["le"] = item.le
        elif isinstance(item, annotated_types.MinLen):
            found["min_length"] = item.min_length
        elif isinstance(item, annotated_types.MaxLen):
            found["max_length"] = item.max_length
        elif type(item).__module__.startswith(("pydantic", "annotated_types")):
            return None
    return _Bounds(**found)


def _float(bounds: _Bounds) -> Check:
    low, high = bounds.ge, bounds.le

    def check(value: Any) -> Any:
        kind = type(value)
        if kind is int:
            value = float(value)
        elif kind is not float or not math.isfinite(value):  # the models refuse inf and nan
            raise _Unsure
        if (low is not None and value < low) or (high is not None and value > high):
            raise _Unsure
        return value

    return check


def _str(bounds: _Bounds) -> Check:
    shortest, longest = bounds.min_length or 0, bounds.max_length

    def check(value: Any) -> Any:
        if type(value) is not str or len(value) < shortest or (longest is not None and len(value) > longest):
            raise _Unsure
        return value

    return check


def _literal(allowed: tuple[Any, ...]) -> Check:
    if not all(type(choice) is str for choice in allowed):
        return _never
    choices = frozenset(allowed)

    def check(value: Any) -> Any:
        if type(value) is str and value in choices:
            return value
        raise _Unsure

    return check


def _list(item: Check, bounds: _Bounds) -> Check:
    shortest, longest = bounds.min_length or 0, bounds.max_length

    def check(value: Any) -> Any:
        if type(value) is not list or len(value) < shortest or (longest is not None and len(value) > longest):
            raise _Unsure
        return [item(v) for v in value]  # a new list, as validation makes

    return check


def _instance(model: type[BaseModel]) -> Check:
    # A model instance passed where that model is declared is kept as is (`revalidate_instances`).
    if model.model_config.get("revalidate_instances", "never") != "never":
        return _never

    def check(value: Any) -> Any:
        if type(value) is model:
            return value
        raise _Unsure

    return check


_NO_BOUNDS = _Bounds()


def _check(annotation: Any, bounds: _Bounds = _NO_BOUNDS) -> Check:
    """How to check a value of ``annotation`` (:func:`_never` for types this module does not read)."""
    numeric = bounds.ge is not None or bounds.le is not None
    lengths = bounds.min_length is not None or bounds.max_length is not None
    if annotation is float:
        return _never if lengths else _float(bounds)
    if annotation is str:
        return _never if numeric else _str(bounds)
    if get_origin(annotation) is list:
        return _never if numeric else _list(_check(get_args(annotation)[0]), bounds)
    if bounds != _NO_BOUNDS:
        return _never
    if annotation is bool:
        return _bool
    if annotation is int:
        return _int
    if annotation is datetime:
        return _datetime
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _instance(annotation)
    if get_origin(annotation) is Literal:
        return _literal(get_args(annotation))
    return _never


def _optional(annotation: Any) -> tuple[Any, bool]:
    """``X`` and True for ``X | None``; the annotation itself and False otherwise."""
    if get_origin(annotation) in (Union, types.UnionType):
        args = get_args(annotation)
        others = [arg for arg in args if arg is not _NONE]
        if len(others) == 1 and len(args) == 2:
            return others[0], True
    return annotation, False


class _Field(NamedTuple):
    check: Check
    optional: bool
    before: Check | None
    after: Check | None


def _validators(model: type[BaseModel], field: str) -> tuple[Check | None, Check | None] | None:
    """The field's own `before` and `after` validators; None when it has others (several of one
    mode, `wrap`, `plain`, one that takes a ValidationInfo): those are left to pydantic."""
    found: dict[str, Check] = {}
    for decorator in model.__pydantic_decorators__.field_validators.values():
        if field not in decorator.info.fields and "*" not in decorator.info.fields:
            continue
        mode = decorator.info.mode
        if mode not in ("before", "after") or mode in found or len(inspect.signature(decorator.func).parameters) != 1:
            return None
        found[mode] = decorator.func
    return found.get("before"), found.get("after")


def _field(model: type[BaseModel], name: str, info: FieldInfo) -> _Field:
    annotation, optional = _optional(info.annotation)
    bounds = _bounds(info.metadata)
    validators = _validators(model, name)
    if bounds is None or validators is None or info.alias not in (None, name) or info.validate_default:
        return _Field(_never, False, None, None)
    return _Field(_check(annotation, bounds), optional, *validators)


class _Builder:
    """How to build one model: a check per field, its defaults, and whether it can be built at all."""

    def __init__(self, model: type[BaseModel]) -> None:
        self.model = model
        self.fields = {name: _field(model, name, info) for name, info in model.model_fields.items()}
        self.plain = tuple(
            (p.api, p.field, _checker(self.fields[p.field]), get_origin(_optional(info.annotation)[0]) is list)
            for p in plain_fields(model)
            for info in (model.model_fields[p.field],)
        )
        """(API name, field, its check, whether it is a list) of each plain field: the loop per object."""
        self.defaults: dict[str, Any] = {}
        self.fresh: list[tuple[str, Callable[[], Any]]] = []
        """Defaults made anew for each object (factories, and copies of mutable defaults)."""
        self.required = frozenset(name for name, info in model.model_fields.items() if info.is_required())
        for name, info in model.model_fields.items():
            self.defaults[name] = None if info.default is PydanticUndefined else info.default
            if info.default_factory is not None:
                self.fresh.append((name, info.default_factory))  # type: ignore[arg-type]
            elif isinstance(info.default, (list, dict, set)):
                self.fresh.append((name, functools.partial(copy.deepcopy, info.default)))
        self.usable = not (
            model.__pydantic_decorators__.model_validators
            or model.__private_attributes__
            or model.__pydantic_post_init__
            or model.model_config.get("extra") == "allow"
        )

    def read(self, raw: dict[str, Any], special: dict[str, Any]) -> BaseModel:
        """``model_validate`` of ``read_plain(model, raw)`` and ``special``."""
        if not self.usable:
            return self.model.model_validate({**read_plain(self.model, raw), **special})
        fields = self.defaults.copy()
        given: set[str] = set()
        get = raw.get
        try:
            for api, name, check, is_list in self.plain:
                value = get(api)
                # None and [] are the API's "none": the default (wire.read_plain). A [] where no
                # list is declared fails its check and takes the way of validation, as it should.
                if value is None or (is_list and value == []):
                    continue
                fields[name] = check(value)
                given.add(name)
            for name, value in special.items():
                fields[name] = _validated(self.fields[name], value)
                given.add(name)
            self._complete(given)
        except Exception:  # not vouched for, or refused (validation says why)
            return self.model.model_validate({**read_plain(self.model, raw), **special})
        return self._made(fields, given)

    def build(self, values: dict[str, Any]) -> BaseModel:
        if not self.usable:
            return self.model.model_validate(values)
        fields = self.defaults.copy()
        try:
            for name, value in values.items():
                fields[name] = _validated(self.fields[name], value)  # KeyError: not a field
            self._complete(values.keys())
        except Exception:
            return self.model.model_validate(values)
        return self._made(fields, set(values))

    def _complete(self, given: Collection[str]) -> None:
        if self.required and not self.required <= set(given):
            raise _Unsure  # a required field is missing: validation says which

    def _made(self, fields: dict[str, Any], given: set[str]) -> BaseModel:
        for name, factory in self.fresh:
            if name not in given:
                fields[name] = factory()
        spec = _new(self.model)
        _set(spec, "__dict__", fields)
        _set(spec, "__pydantic_fields_set__", given)
        _set(spec, "__pydantic_extra__", None)
        _set(spec, "__pydantic_private__", None)
        return spec


def _validated(field: _Field, value: Any) -> Any:
    if field.before is not None:
        value = field.before(value)
    if value is None:
        if not field.optional:
            raise _Unsure
    else:
        value = field.check(value)
    if field.after is not None:
        value = field.after(value)
    return value


def _checker(field: _Field) -> Check:
    """The check of a value that is not None."""
    if field.before is None and field.after is None:
        return field.check
    return functools.partial(_validated, field)


@functools.cache
def _builder(model: type[BaseModel]) -> _Builder:
    return _Builder(model)


def build(model: type[M], values: dict[str, Any]) -> M:
    """What ``model.model_validate(values)`` returns (or raises), by type tests where they suffice."""
    return _builder(model).build(values)  # type: ignore[return-value]


def read(model: type[M], raw: dict[str, Any], special: dict[str, Any] | None = None) -> M:
    """The spec of the API object ``raw``: its plain fields (:func:`~openrouter_iac.model.wire.read_plain`)
    and the ``special`` ones its kind maps itself, as ``model_validate`` would build it."""
    return _builder(model).read(raw, special or {})  # type: ignore[return-value]
