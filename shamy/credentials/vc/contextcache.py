"""A pyld processor that keeps processed JSON-LD contexts across calls.

pyld keeps a *remote* context's processed form across calls (when the document loader tags it
``static``, as :mod:`.loader` does), but not a *scoped* one: the VC 2.0 and Open Badges contexts
give their types (``VerifiableCredential``, ``AchievementSubject``, ``Achievement``, ``Profile``,
...) contexts of their own, and pyld 3.3 processes each of them again, term by term, every time a
node of that type is expanded
(it clones the active context to remember the previous one, and the clone gets a new identity, so
its per-context cache never hits). That was about two thirds of a verification's time.

:class:`CachingProcessor` remembers the result of processing a context, keyed by what the result
depends on and nothing else: the active context it was processed against (only an immutable one:
pyld freezes every processed context, and its ``_uuid`` names it), the local context by value (a
URL, or the context as canonical JSON text), the flags of the call and the options that matter
(base, processing mode); only with the bundled loader, whose documents never change. A processed
context is a function of those alone; no document's data, and so no verification's outcome, is
ever cached. The entries are bounded (least recently used out first).
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from typing import Any

from pyld import jsonld

from shamy.credentials.vc import loader

_FROZEN = type(jsonld.freeze({}))
MAX_ENTRIES = 512

# key -> (active context, processed context): the active context is kept so that a hit can check
# identity (its "_uuid" is pyld's identity for a processed context, kept alive here).
_processed: OrderedDict[tuple[Any, ...], tuple[Any, Any]] = OrderedDict()
# A threaded server or the tasks worker may canonicalise in several threads at once.
_lock = threading.Lock()


def _value_key(local_ctx: Any) -> str | None:
    """The local context's value as canonical JSON text (None if it is not JSON).

    By value, never by identity: the answer must not depend on which object carries the context
    (pyld copies the document on every call; a caller may change one in place), and pyld's own
    cache of context objects is keyed by value too."""
    if isinstance(local_ctx, str):
        return local_ctx
    try:
        return json.dumps(local_ctx, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError):
        return None


def clear() -> None:
    with _lock:
        _processed.clear()


class CachingProcessor(jsonld.JsonLdProcessor):  # type: ignore[misc]
    """pyld's processor with processed contexts kept across calls (see the module's docstring).

    Only with the bundled contexts' loader, whose documents never change."""

    def _process_context(
        self,
        active_ctx: Any,
        local_ctx: Any,
        options: dict[str, Any],
        override_protected: bool = False,
        propagate: bool = True,
        validate_scoped: bool = True,
        cycles: set[str] | None = None,
    ) -> Any:
        cacheable = (
            isinstance(active_ctx, _FROZEN)  # a context still being built may change
            and "_uuid" in active_ctx
            and not cycles
            and options.get("documentLoader") is loader.document_loader
        )
        local_key = _value_key(local_ctx) if cacheable else None
        if local_key is None:
            return super()._process_context(
                active_ctx, local_ctx, options, override_protected, propagate, validate_scoped, cycles
            )
        key = (
            active_ctx["_uuid"],
            type(local_ctx) is str,
            local_key,
            override_protected,
            propagate,
            validate_scoped,
            options.get("base"),
            options.get("processingMode"),
        )
        with _lock:
            hit = _processed.get(key)
            if hit is not None and hit[0] is active_ctx:
                _processed.move_to_end(key)
                return hit[1]
        result = super()._process_context(
            active_ctx, local_ctx, options, override_protected, propagate, validate_scoped, cycles
        )
        if isinstance(result, _FROZEN):
            with _lock:
                _processed[key] = (active_ctx, result)
                while len(_processed) > MAX_ENTRIES:
                    _processed.popitem(last=False)
        return result
