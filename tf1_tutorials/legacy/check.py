"""`tf1-tutorials legacy --check SCRIPT.py`: what a legacy run would do with a script, unrun.

The script is parsed (``ast``), never executed. Each TensorFlow and Keras name it reaches (through
``import tensorflow as tf``, ``from tensorflow.contrib import rnn``, ``from keras.optimizers import
Adadelta``, ...) is looked up through the same modules a legacy run serves, and each call in a form
the run handles specially is noted. One line per API, at its first use:

    SCRIPT.py:LINE: API: mapped|emulated|restored|unsupported: what happens

``mapped``: served by another implementation (tf-slim, tf.compat.v1.nn, the project's readers);
``emulated``: the TF1 behaviour imitated (device pins, served URLs, Keras 1 arguments);
``restored``: a name, or a default, of Keras 1.2-2.2 that tf-keras changed or removed;
``unsupported``: the run would stop there. The exit status is 2 if anything is unsupported, else 0
(1 for a script that does not parse, reported as Python reports it).
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import sys
import traceback
import types

from tf1_tutorials.legacy import registry
from tf1_tutorials.legacy.unsupported import EXIT_UNSUPPORTED, PROGRAM, LegacyAPIError


@dataclasses.dataclass(frozen=True)
class Finding:
    line: int
    api: str
    kind: str
    what: str


def display(name: str) -> str:
    """``tensorflow.x`` as scripts write it, ``tf.x`` (import paths of examples kept whole)."""
    if name.startswith("tensorflow.") and not name.startswith("tensorflow.examples"):
        return "tf." + name.removeprefix("tensorflow.")
    return "tf" if name == "tensorflow" else name


class Uses(ast.NodeVisitor):
    """Each dotted TensorFlow/Keras name the script reaches, with its line and the call it is in."""

    def __init__(self):
        self.aliases: dict[str, str] = {}
        self.names: list[tuple[int, str, ast.Call | None]] = []
        self.calls: list[ast.Call] = []
        self.urls: list[tuple[int, str]] = []
        self.standalone_keras = False
        self.numpy_line = 0

    def visit_Constant(self, node):
        if isinstance(node.value, str) and node.value.startswith(("http://", "https://")):
            self.urls.append((node.lineno, node.value))

    def visit_Import(self, node):
        for alias in node.names:
            if alias.name == "numpy":
                self.numpy_line = self.numpy_line or node.lineno
            if alias.name.partition(".")[0] in ("tensorflow", "keras"):
                self.standalone_keras |= alias.name.partition(".")[0] == "keras"
                bound = alias.asname or alias.name.partition(".")[0]
                self.aliases[bound] = alias.name if alias.asname else bound
                self.names.append((node.lineno, alias.name, None))

    def visit_ImportFrom(self, node):
        module = node.module or ""
        if node.level or module.partition(".")[0] not in ("tensorflow", "keras"):
            return
        self.standalone_keras |= module.partition(".")[0] == "keras"
        for alias in node.names:
            self.aliases[alias.asname or alias.name] = f"{module}.{alias.name}"
            self.names.append((node.lineno, f"{module}.{alias.name}", None))

    def dotted(self, node) -> str | None:
        parts = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if isinstance(node, ast.Name) and node.id in self.aliases:
            return ".".join([self.aliases[node.id], *reversed(parts)])
        return None

    def visit_Call(self, node):
        self.calls.append(node)
        name = self.dotted(node.func)
        if name is not None:
            self.names.append((node.lineno, name, node))
            self.visit_children_of_call(node)
        else:
            self.generic_visit(node)

    def visit_children_of_call(self, node):
        for child in [*node.args, *(keyword.value for keyword in node.keywords)]:
            self.visit(child)
        func = node.func
        while isinstance(func, ast.Attribute):
            func = func.value
        if not isinstance(func, ast.Name):
            self.visit(func)

    def visit_Attribute(self, node):
        name = self.dotted(node)
        if name is not None:
            self.names.append((node.lineno, name, None))
        else:
            self.generic_visit(node)


# Module names the import hook serves itself; other ``tensorflow.*`` names are attributes of the
# legacy ``tf`` (importing them would give TensorFlow 2's modules).
SERVED_PACKAGES = ("tensorflow.contrib", "tensorflow.examples", "tensorflow.keras", "keras")


def resolve(name: str) -> None:
    """Look ``name`` up as a legacy run would; raises what the run would raise."""
    parts = name.split(".")
    depth = len(parts) if name.startswith(SERVED_PACKAGES) else 1
    while depth > 1:  # the deepest module the import hook serves; then attributes
        try:
            value = importlib.import_module(".".join(parts[:depth]))
            break
        except ImportError:  # UnsupportedModule too: the attribute lookup below says why
            depth -= 1
    else:
        value = importlib.import_module(parts[0])
    for part in parts[depth:]:
        if not isinstance(value, types.ModuleType):
            return  # an attribute of a class or object: not the script's concern here
        value = getattr(value, part)


def _literal(node) -> object:
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None


def call_findings(line: int, name: str, call: ast.Call | None) -> list[Finding]:
    """Findings a call's form gives (device pins, era optimizers, Keras 1 arguments)."""
    if call is None:
        return []
    keywords = {keyword.arg for keyword in call.keywords}
    out = []
    shown = display(name)
    if name == "tensorflow.device" and call.args:
        device = _literal(call.args[0])
        if isinstance(device, str) and any(kind in device.upper() for kind in ("GPU", "TPU")):
            rule = registry.behaviour("tf.device(accelerator)")
            out.append(Finding(line, f"{shown}({device!r})", rule.kind, rule.what))
        elif isinstance(call.args[0], (ast.Call, ast.Lambda)):  # a device function, built or inline
            rule = registry.behaviour("tf.device(function)")
            out.append(Finding(line, rule.api, rule.kind, rule.what))
    head, _, leaf = name.rpartition(".")
    if head == "keras.optimizers" and "learning_rate" not in keywords:
        era = registry.changed_default(registry.LOWER_CASE.get(leaf, leaf))
        lr_given = bool(call.args) or "lr" in keywords
        if era is not None and (not lr_given or leaf.lower() == "adagrad"):
            out.append(Finding(line, shown, registry.RESTORED, f"{registry.ERA}'s default {era}"))
        if keywords & {"lr", "decay"}:
            given = ", ".join(f"{key}=" for key in sorted(keywords & {"lr", "decay"}))
            out.append(
                Finding(line, f"{shown}({given})", registry.RESTORED, "Keras 2.2's arguments")
            )
    if name.startswith("keras.layers"):
        out += keras1_argument_findings(line, shown, keywords, registry.KERAS_1_ARGUMENTS)
        if leaf in ("Conv2D", "Convolution2D") and len(call.args) >= 3:
            kernel = Finding(
                line, f"{shown}(n, rows, cols)", registry.RESTORED, "a rows x cols kernel"
            )
            out.append(kernel)
    return out


def keras1_argument_findings(line: int, shown: str, keywords, renames) -> list[Finding]:
    return [
        Finding(line, f"{shown}({key}=)", registry.RESTORED, f"Keras 1's name for {renames[key]}=")
        for key in sorted(keywords & renames.keys())
    ]


def method_findings(uses: Uses) -> list[Finding]:
    """``model.fit(nb_epoch=)``, ``compile('adadelta')``, ``predict_classes``: on any receiver."""
    out = []
    for call in uses.calls:
        if not isinstance(call.func, ast.Attribute) or uses.dotted(call.func) is not None:
            continue
        method = call.func.attr
        keywords = {keyword.arg for keyword in call.keywords}
        if method in ("fit", "fit_generator", "evaluate_generator", "predict_generator"):
            renames = registry.KERAS_1_FIT_ARGUMENTS
            out += keras1_argument_findings(call.lineno, method, keywords, renames)
        if method.endswith("_generator") and "workers" in keywords:
            rule = registry.behaviour("fit_generator(workers=)")
            out.append(Finding(call.lineno, f"{method}(workers=)", rule.kind, rule.what))
        if method in registry.REMOVED_METHODS:
            what = registry.REMOVED_METHODS[method]
            out.append(Finding(call.lineno, method, registry.RESTORED, what))
        if method == "compile" and uses.standalone_keras:
            given = [k.value for k in call.keywords if k.arg == "optimizer"] + call.args[:1]
            optimizer = _literal(given[0]) if given else None
            era = isinstance(optimizer, str) and registry.changed_default(
                registry.LOWER_CASE.get(optimizer.lower(), "")
            )
            if era:
                api = f"compile(optimizer={optimizer!r})"
                out.append(Finding(call.lineno, api, registry.RESTORED, f"{registry.ERA}'s {era}"))
    return out


def url_findings(uses: Uses) -> list[Finding]:
    """Canonical MNIST/CIFAR-10 URLs (or the MNIST base URLs files are appended to)."""
    from tf1_tutorials.legacy.shims.data import urls

    out = []
    for line, url in uses.urls:
        if url in urls.KNOWN or url in urls.MNIST_BASES:
            out.append(Finding(line, url, registry.EMULATED, "served from the verified local data"))
    return out


def script_findings(uses: Uses) -> list[Finding]:
    """Rules a script's values bring in: NumPy integers in a TensorFlow script's shapes; a graph
    seed with random ops that have none of their own (their draws differ from TF 1.15's)."""
    out = []
    if uses.numpy_line and any(name.startswith("tensorflow") for _, name, _ in uses.names):
        rule = registry.behaviour("NumPy integers in shapes")
        out.append(Finding(uses.numpy_line, rule.api, rule.kind, rule.what))
    seeded = [line for line, name, call in uses.names if call and name in registry.SEED_SETTERS]
    if seeded and any(unseeded_random_op(name, call) for _, name, call in uses.names):
        rule = registry.behaviour("tf.set_random_seed")
        out.append(Finding(seeded[0], rule.api, rule.kind, rule.what))
    return out


def unseeded_random_op(name: str, call: ast.Call | None) -> bool:
    """Whether ``call`` creates a random TensorFlow op without its own ``seed=``."""
    if call is None or not name.startswith("tensorflow"):
        return False
    keywords = {keyword.arg for keyword in call.keywords}
    return name.rpartition(".")[2] in registry.RANDOM_OPS and "seed" not in keywords


def name_finding(line: int, name: str) -> Finding | None:
    shown = display(name)
    try:
        resolve(name)
    except LegacyAPIError as err:
        return Finding(line, err.api, "unsupported", err.reason)
    except (AttributeError, ImportError) as err:
        return Finding(line, shown, "unsupported", str(err))
    rule = registry.name_rule(shown)
    return None if rule is None else Finding(line, rule.api, rule.kind, rule.what)


def findings(source: str, path: str) -> list[Finding]:
    uses = Uses()
    uses.visit(ast.parse(source, path))
    found: dict[str, Finding] = {}
    for line, name, call in uses.names:
        for finding in [name_finding(line, name), *call_findings(line, name, call)]:
            if finding is not None:
                found.setdefault(finding.api, finding)
    for finding in [*method_findings(uses), *url_findings(uses), *script_findings(uses)]:
        found.setdefault(finding.api, finding)
    return sorted(found.values(), key=lambda finding: (finding.line, finding.api))


def main(script: str) -> int:
    try:
        with open(script, "rb") as script_file:
            source = script_file.read()
        compile(source, script, "exec", dont_inherit=True)
    except OSError as err:
        print(f"{PROGRAM}: can't open script {script!r}: {err.strerror}", file=sys.stderr)
        return EXIT_UNSUPPORTED
    except SyntaxError as err:
        sys.stderr.writelines(traceback.format_exception_only(type(err), err))
        return 1
    from tf1_tutorials.legacy import bootstrap

    bootstrap.install()
    results = findings(source.decode("utf-8", "replace"), script)
    for finding in results:
        print(f"{script}:{finding.line}: {finding.api}: {finding.kind}: {finding.what}")
    unsupported = sum(finding.kind == "unsupported" for finding in results)
    print(f"{len(results)} TF1 APIs handled specially, {unsupported} unsupported", file=sys.stderr)
    return EXIT_UNSUPPORTED if unsupported else 0
