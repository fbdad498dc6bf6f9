"""``Namespace``: a module object whose attributes come from other modules.

The legacy ``tensorflow`` module and its ``tf.contrib`` parts are namespaces. An attribute is looked
up in each source in turn; one that no source has raises ``UnsupportedAPI`` naming the full TF1 name
(``tf.train.SummaryWriter``), so the script stops with one clear line. Module-valued attributes are
wrapped in namespaces too, so the same holds at every depth of ``tf.*``.
"""

from __future__ import annotations

import types
from collections.abc import Callable, Sequence

from tf1_tutorials.legacy.unsupported import UnsupportedAPI


class Namespace(types.ModuleType):
    """The attributes of ``sources`` (looked up in order) under the TF1 name ``api``.

    ``explain(api)`` says why a missing name cannot be served; nested namespaces inherit it.
    """

    def __init__(
        self,
        module_name: str,
        api: str,
        sources: Sequence[object],
        explain: Callable[[str], str],
    ):
        super().__init__(module_name)
        self.__dict__.update(_api=api, _sources=list(sources), _explain=explain)

    def __repr__(self) -> str:
        return f"<module {self.__name__!r} (legacy {self._api})>"

    def _lookup(self, name: str):
        for source in self._sources:
            try:
                return getattr(source, name)
            except AttributeError:
                continue
        api = f"{self._api}.{name}"
        raise UnsupportedAPI(api, self._explain(api))

    def _resolve(self, name: str):
        value = self._lookup(name)
        if isinstance(value, types.ModuleType) and not isinstance(value, Namespace):
            api = f"{self._api}.{name}"
            value = Namespace(f"{self.__name__}.{name}", api, [value], self._explain)
        return value

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        value = self._resolve(name)
        self.__dict__[name] = value  # resolved once; later reads are plain module attributes
        return value

    def __dir__(self):
        names = set(self.__dict__)
        for source in self._sources:
            names.update(dir(source))
        return sorted(names)
