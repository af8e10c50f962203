"""The floor plan of the code, kept by a test (issue 19).

The folders of ``vig_core`` are layers, and these rules keep them so. Every
rule is checked by reading the source with :mod:`ast` (nothing is imported, so
a broken wall cannot hide behind an import error), and every checker is first
shown to catch a deliberate violation written in this file.

1. **Only the screens import Streamlit.** Nothing in ``vig_core/`` outside
   ``vig_core/ui/`` imports ``streamlit``, ``streamlit_player`` or
   ``vig_core.ui`` (which brings Streamlit in); ``pages/`` and ``app.py`` may.
   The back end then runs, and is tested, without a page.
2. **The case is pure.** ``vig_core/case/`` imports nothing from the layers that
   touch the disk, media, the web or the screen (``storage``, ``vault``, ``services``,
   ``media``, ``web``, ``ui``, ``exports``, ``printables``, ``cli``), nor
   ``av``, ``imageio_ffmpeg``, ``streamlit``, ``streamlit_player`` or
   ``subprocess``. It may import ``errors``, ``text`` and ``vocab``: the
   definitions the method is made of (principles, prompts, instruments) are
   part of the domain. The rule holds through those imports too: every
   ``vig_core`` module the case reaches, at any depth, obeys it, so a
   definition module that writes through ``storage`` is one the case may not
   import (it needs the definitions only, kept in a module of their own).
3. **Only ``vig_core/storage/`` makes files.** Every file the workbook makes,
   in the data folder or in a folder the practitioner chose for an export, is
   opened for writing by a ``storage`` helper (``atomic_file``,
   ``new_private_file``, ``locked_new_file``, ``private_folder``, the store's
   own writers): that is where a file gets its private mode, its crash-safe
   temporary name, its fsync and its plain-sentence disk errors. Outside
   ``vig_core/storage/`` (in the rest of ``vig_core``, ``pages/`` and
   ``app.py``) the checker flags every call that opens or creates a file or
   folder itself:

   - ``open``, ``io.open``, ``os.fdopen``, ``av.open``, ``gzip.open``, ...
     with a mode holding ``w``, ``a``, ``x`` or ``+`` (or a mode it cannot
     read), and ``path.open(mode)`` likewise;
   - ``os.open`` with ``O_WRONLY``, ``O_RDWR``, ``O_CREAT``, ``O_APPEND`` or
     ``O_TRUNC`` (or flags it cannot read);
   - ``write_text``, ``write_bytes``, ``mkdir``, ``os.mkdir``, ``os.makedirs``;
   - ``shutil.copy``, ``copy2``, ``copyfile``, ``copytree``, ``move``;
   - ``tempfile``'s files and folders made in a given folder (``dir=``): one
     made in the system's temporary folder is outside every data folder;
   - writers that take a file name or an open file (``zipfile.ZipFile``,
     ``tarfile.open``, ``pandas.ExcelWriter``, ``.to_csv``, ``.to_excel``,
     ``.save``, ``.write_image``, ...) when given a file name: a string, an
     f-string, a path joined with ``/`` or ``Path(...)``. Given an open handle,
     they write into a file a storage helper opened, which is the point.

   Not flagged, on purpose: reading; writing into a handle a storage helper
   returned (a zip entry, ffmpeg's output into the file made for it);
   renaming a finished file into place and removing files, which neither make
   a file nor choose its mode; ``touch``, whose name the app lock uses for
   "noted use". A path held in a plain variable and handed to a writer that
   also takes handles is beyond a reading of the source; the file-mode tests
   (``test_file_modes.py``) catch what such a file would get wrong.
4. **No module in ``vig_core`` is over 400 lines.**
5. **No import cycles between ``vig_core`` modules**, counting imports inside
   functions (an import moved into a function to dodge a cycle is still one)
   and the package ``__init__`` files an import runs.

A rule that is broken at the time of writing lists its known violations; a
test asserts that nothing beyond them appears, and an ``xfail(strict=True)``
test asserts the rule in full, so it starts failing (as an unexpected pass)
the day the last known violation is gone: then remove the xfail and the list.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from conftest import ROOT
from unit.test_raw_html import dotted

Sources = Mapping[str, str]  # path relative to the repository (posix) -> source text

STREAMLIT = ("streamlit", "streamlit_player")
SCREEN_CODE = (*STREAMLIT, "vig_core.ui")  # importing vig_core.ui brings Streamlit in too
SCREENS = ("vig_core/ui/", "pages/", "app.py")
CASE = "vig_core/case/"
CASE_MAY_NOT_IMPORT = tuple(f"vig_core.{layer}" for layer in (
    "storage", "vault", "services", "media", "web", "ui", "exports", "printables", "cli"))
CASE_MAY_NOT_USE = ("av", "imageio_ffmpeg", *STREAMLIT, "subprocess")
STORAGE = "vig_core/storage/"
MAX_LINES = 400


def app_sources(root: Path = ROOT) -> dict[str, str]:
    """Every Python file of the workbook itself: ``app.py``, ``pages/`` and ``vig_core/``."""
    paths = [root / "app.py", *(root / "pages").rglob("*.py"), *(root / "vig_core").rglob("*.py")]
    return {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8") for p in sorted(paths)}


def module_name(path: str) -> str:
    """``vig_core/case/record.py`` -> ``vig_core.case.record``; a package's ``__init__.py`` -> the package."""
    parts = path.removesuffix(".py").split("/")
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@dataclass(frozen=True)
class Import:
    path: str
    line: int
    names: tuple[str, ...]  # dotted names it may load: the module, then each ``from`` name under it


def imports_of(path: str, source: str) -> list[Import]:
    """Every import statement of a file in line order, at any depth (inside functions too), relative ones resolved."""
    package = module_name(path).split(".")
    if not path.endswith("__init__.py"):
        package = package[:-1]
    found = []
    for node in ast.walk(ast.parse(source, filename=path)):
        if isinstance(node, ast.Import):
            found += [Import(path, node.lineno, (alias.name,)) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = ".".join([*package[:len(package) - node.level + 1], *([node.module] if node.module else [])]) \
                if node.level else node.module or ""
            found.append(Import(path, node.lineno, (base, *(f"{base}.{a.name}" for a in node.names))))
    return sorted(found, key=lambda imp: imp.line)


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    name: str  # the module imported
    note: str = ""

    def __str__(self) -> str:
        return f"{self.path}:{self.line} imports {self.name}{self.note}"

    @property
    def key(self) -> tuple[str, str]:
        """What a list of known violations names: file and module imported (lines move)."""
        return self.path, self.name


def _under(name: str, packages: Iterable[str]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in packages)


# --- rule 1: only the screens import Streamlit ---------------------------------------------------
def streamlit_imports(sources: Sources) -> list[Finding]:
    return [Finding(imp.path, imp.line, next(n for n in imp.names if _under(n, SCREEN_CODE)))
            for path, source in sorted(sources.items()) if not path.startswith(SCREENS)
            for imp in imports_of(path, source) if any(_under(n, SCREEN_CODE) for n in imp.names)]


# --- rule 2: the case is pure ---------------------------------------------------------------------
def import_graph(sources: Sources) -> dict[str, dict[str, int]]:
    """``{module: {vig_core module it imports: line}}`` for the ``vig_core`` files of ``sources``,
    with the package ``__init__`` modules each import runs (an import of ``a.b.c`` runs ``a`` and ``a.b``)."""
    modules = {module_name(p): p for p in sources if p.startswith("vig_core/")}
    graph: dict[str, dict[str, int]] = {m: {} for m in modules}
    for module, path in modules.items():
        for imp in imports_of(path, sources[path]):
            base, *names = imp.names
            targets = [n for n in names if n in modules] or [base]
            for target in targets:
                parts = target.split(".")
                for depth in range(1, len(parts) + 1):
                    loaded = ".".join(parts[:depth])
                    if loaded in modules and loaded != module:
                        graph[module].setdefault(loaded, imp.line)
    return graph


def impure_case_imports(sources: Sources) -> list[Finding]:
    """Each import that breaks rule 2, in ``vig_core/case/`` or in a module the case reaches through
    allowed imports, with the chain of imports that brings it in (a forbidden module is reported
    where it is imported, not searched further)."""
    graph = import_graph(sources)
    paths = {module_name(p): p for p in sources}
    chains = {module_name(p): [module_name(p)] for p in sources if p.startswith(CASE)}
    queue = list(chains)
    while queue:  # breadth first: each module reached by its shortest chain
        module = queue.pop(0)
        for target in sorted(graph.get(module, {})):
            if target not in chains and not _under(target, CASE_MAY_NOT_IMPORT):
                chains[target] = [*chains[module], target]
                queue.append(target)
    found = []
    for module, chain in sorted(chains.items()):
        via = f" (reached by {' -> '.join(chain)})" if len(chain) > 1 else ""
        for imp in imports_of(paths[module], sources[paths[module]]):
            named = [n for n in imp.names if _under(n, CASE_MAY_NOT_USE) or _under(n, CASE_MAY_NOT_IMPORT)]
            if named:
                shown = next((n for n in reversed(named) if n in paths), named[0])
                found.append(Finding(imp.path, imp.line, shown, via))
    return found


# --- rule 3: only storage makes files -------------------------------------------------------------
OPENERS = {"open", "io.open", "codecs.open", "os.fdopen", "av.open", "gzip.open", "bz2.open", "lzma.open"}
WRITE_FLAGS = {"O_WRONLY", "O_RDWR", "O_CREAT", "O_APPEND", "O_TRUNC"}
MAKERS = {"os.mkdir", "os.makedirs", "shutil.copy", "shutil.copy2", "shutil.copyfile", "shutil.copytree",
          "shutil.move"}
MAKING_METHODS = {"write_text", "write_bytes", "mkdir"}
TEMP_MAKERS = {"mkstemp", "mkdtemp", "NamedTemporaryFile", "TemporaryFile", "SpooledTemporaryFile",
               "TemporaryDirectory"}
NAME_OR_HANDLE_WRITERS = {"ZipFile", "ExcelWriter", "to_csv", "to_excel", "to_json", "to_parquet", "to_html",
                          "save", "savefig", "write_image", "write_html"}


def _arg(call: ast.Call, position: int, keyword: str) -> ast.expr | None:
    if len(call.args) > position:
        return call.args[position]
    return next((k.value for k in call.keywords if k.arg == keyword), None)


def _writes(mode: ast.expr | None) -> bool:
    """A mode that may write: one holding w, a, x or +, or one that is not a plain string."""
    if mode is None:
        return False
    return not (isinstance(mode, ast.Constant) and isinstance(mode.value, str)) or bool(set(mode.value) & set("wax+"))


def _names_a_file(node: ast.expr | None) -> bool:
    """A string, an f-string, a path joined with ``/`` or ``Path(...)``: a file name, not an open handle."""
    return ((isinstance(node, (ast.Constant, ast.JoinedStr)) and not isinstance(getattr(node, "value", ""), bytes))
            or (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div))
            or (isinstance(node, ast.Call) and dotted(node.func).split(".")[-1] in ("Path", "PurePath")))


def makes_a_file(call: ast.Call) -> bool:
    """Does this call open or create a file or folder itself (rule 3 in the module notes)?"""
    name = dotted(call.func)
    last = name.split(".")[-1]
    if name in OPENERS or name == "tarfile.open":
        return _writes(_arg(call, 1, "mode"))
    if name == "os.open":
        flags = _arg(call, 1, "flags")
        read = {n.attr if isinstance(n, ast.Attribute) else n.id
                for n in ast.walk(flags) if isinstance(n, (ast.Name, ast.Attribute))} if flags else set()
        return bool(read & WRITE_FLAGS) or not any(n.startswith("O_") for n in read)
    if isinstance(call.func, ast.Attribute) and last == "open":  # path.open(mode); zip.open(entry, "w") is not
        mode = _arg(call, 0, "mode")
        return ((isinstance(mode, ast.Constant) and isinstance(mode.value, str)
                and re.fullmatch(r"[rwxabt+]+", mode.value) is not None and _writes(mode))  # not Image.open("x.png")
                or any(k.arg == "mode" and _writes(k.value) for k in call.keywords))
    if name in MAKERS or (isinstance(call.func, ast.Attribute) and last in MAKING_METHODS):
        return True
    if last in TEMP_MAKERS:
        return any(k.arg == "dir" for k in call.keywords)
    if last == "ZipFile":
        return _names_a_file(_arg(call, 0, "file")) and _writes(_arg(call, 1, "mode"))
    if last in NAME_OR_HANDLE_WRITERS:
        return _names_a_file(_arg(call, 0, "file"))
    return False


@dataclass(frozen=True)
class Making:
    path: str
    line: int
    where: str  # the enclosing function or class, or <module>
    call: str

    @property
    def key(self) -> tuple[str, str, str]:
        """What an allow-list names: file, function and the function called (lines move)."""
        return self.path, self.where, self.call.split("(")[0]


def file_makers(sources: Sources) -> list[Making]:
    found = []
    for path, source in sorted(sources.items()):
        if path.startswith(STORAGE):
            continue

        def visit(node: ast.AST, where: str, path: str = path) -> None:
            for child in ast.iter_child_nodes(node):
                inner = child.name if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) \
                    else where
                if isinstance(child, ast.Call) and makes_a_file(child):
                    found.append(Making(path, child.lineno, where, ast.unparse(child)))
                visit(child, inner)

        visit(ast.parse(source, filename=path), "<module>")
    return found


# --- rule 4: no module over 400 lines -------------------------------------------------------------
def long_modules(sources: Sources) -> dict[str, int]:
    return {path: len(source.splitlines()) for path, source in sources.items()
            if path.startswith("vig_core/") and len(source.splitlines()) > MAX_LINES}


# --- rule 5: no import cycles ---------------------------------------------------------------------
def import_cycles(sources: Sources) -> list[list[str]]:
    """The groups of ``vig_core`` modules that import each other, each as ``a -> b (line n)`` steps
    (the strongly connected components of the import graph, by Tarjan's algorithm)."""
    graph = import_graph(sources)
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(module: str) -> None:
        order[module] = low[module] = len(order)
        stack.append(module)
        for target in graph[module]:
            if target not in order:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in stack:
                low[module] = min(low[module], order[target])
        if low[module] == order[module]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for module in sorted(graph):
        if module not in order:
            visit(module)
    return [[f"{a} -> {b} (line {line})" for a in group for b, line in sorted(graph[a].items()) if b in group]
            for group in sorted(groups)]


# --- the checkers catch deliberate violations ------------------------------------------------------
def test_the_streamlit_check_finds_streamlit_outside_the_screens():
    sources = {"vig_core/case/bad.py": "import streamlit as st\n",
               "vig_core/media/bad.py": "def f():\n    from streamlit_player import st_player\n",
               "vig_core/web/bad.py": "from streamlit.runtime import exists\n",
               "vig_core/services/bad.py": "from vig_core import ui\nfrom vig_core.ui.session import store\n",
               "vig_core/ui/fine.py": "import streamlit as st\n", "pages/fine.py": "import streamlit as st\n",
               "app.py": "import streamlit as st\n", "vig_core/fine.py": "import streamlit_like\n"}
    assert [str(f) for f in streamlit_imports(sources)] == ["vig_core/case/bad.py:1 imports streamlit",
                                          "vig_core/media/bad.py:2 imports streamlit_player",
                                          "vig_core/services/bad.py:1 imports vig_core.ui",
                                          "vig_core/services/bad.py:2 imports vig_core.ui.session",
                                          "vig_core/web/bad.py:1 imports streamlit.runtime"]


def test_the_purity_check_finds_the_case_reaching_other_layers():
    sources = {"vig_core/case/a.py": "import subprocess\nfrom vig_core.case import b\nfrom vig_core.vocab import c\n",
               "vig_core/case/b.py": "from ..storage.store import CaseStore\nfrom vig_core import text\n",
               "vig_core/vocab/c.py": "from vig_core.services import demo\nimport av\n",
               "vig_core/vocab/pure.py": "from vig_core.errors import ValidationError\n",
               "vig_core/case/d.py": "from vig_core.vocab import pure\nimport math\n",
               "vig_core/text.py": "", "vig_core/errors.py": "", "vig_core/services/demo.py": "import av\n",
               "vig_core/storage/store.py": "import os\n"}
    assert [str(f) for f in impure_case_imports(sources)] == [
        "vig_core/case/a.py:1 imports subprocess",
        "vig_core/case/b.py:1 imports vig_core.storage.store",
        "vig_core/vocab/c.py:1 imports vig_core.services.demo (reached by vig_core.case.a -> vig_core.vocab.c)",
        "vig_core/vocab/c.py:2 imports av (reached by vig_core.case.a -> vig_core.vocab.c)"]


def test_the_file_check_finds_each_way_of_making_a_file():
    made = ("open(p, 'w')", "open(p, mode='ab')", "open(p, chosen)", "io.open(p, 'r+')", "os.fdopen(fd, 'wb')",
            "av.open(p, 'w')", "p.open('w')", "p.open(mode='x')", "os.open(p, os.O_WRONLY | os.O_CREAT)",
            "os.open(p, flags)", "p.write_text(t)", "p.write_bytes(b)", "p.mkdir(exist_ok=True)",
            "os.makedirs(p)", "shutil.copy2(a, b)", "shutil.move(a, b)", "shutil.copytree(a, b)",
            "tempfile.TemporaryDirectory(dir=p)", "tempfile.mkstemp(dir=p)",
            "zipfile.ZipFile(folder / 'a.zip', 'w')", "frame.to_csv('t.csv')", "image.save(Path(p))",
            "fig.write_html(f'{p}.html')", "tarfile.open(p, 'w:gz')")
    kept = ("open(p)", "open(p, 'rb')", "p.open()", "p.open('rb')", "av.open(str(p), metadata_errors='ignore')",
            "archive.open(info, 'w')", "os.open(p, os.O_RDONLY)", "tempfile.TemporaryDirectory(prefix='x')",
            "zipfile.ZipFile(handle, 'w')",
            "zipfile.ZipFile(folder / 'a.zip')", "Image.open('x.png')", "frame.to_csv(index=False)",
            "frame.to_excel(writer)",
            "image.save(out, format='PNG')", "os.replace(a, b)", "p.unlink()", "shutil.rmtree(p)",
            "shutil.copyfileobj(a, b)", "lock.touch()", "text.replace('a', 'b')")
    source = "def f():\n" + "".join(f"    {line}\n" for line in (*made, *kept))
    found = file_makers({"vig_core/media/bad.py": source, "vig_core/storage/files.py": source})
    assert [m.call for m in found] == [ast.unparse(ast.parse(line)) for line in made]
    assert {m.key[:2] for m in found} == {("vig_core/media/bad.py", "f")}


def test_the_length_check_finds_a_long_module():
    sources = {"vig_core/long.py": "x = 1\n" * (MAX_LINES + 1), "vig_core/fine.py": "x = 1\n" * MAX_LINES,
               "pages/long.py": "x = 1\n" * 1000}
    assert long_modules(sources) == {"vig_core/long.py": MAX_LINES + 1}


def test_the_cycle_check_finds_modules_that_import_each_other():
    sources = {"vig_core/ui/widgets.py": "def f():\n    from vig_core.ui.protection import banners\n",
               "vig_core/ui/protection.py": "from vig_core.ui import widgets\n",
               "vig_core/ui/__init__.py": "", "vig_core/__init__.py": "",
               "vig_core/a.py": "import vig_core.b\n", "vig_core/b.py": "from . import c\n",
               "vig_core/c.py": "from vig_core.a import x\n", "vig_core/d.py": "import vig_core.a\n"}
    assert import_cycles(sources) == [
        ["vig_core.a -> vig_core.b (line 1)", "vig_core.b -> vig_core.c (line 1)", "vig_core.c -> vig_core.a (line 1)"],
        ["vig_core.ui.protection -> vig_core.ui.widgets (line 1)",
         "vig_core.ui.widgets -> vig_core.ui.protection (line 2)"]]


def test_a_package_init_that_imports_its_modules_is_a_cycle():
    sources = {"vig_core/case/__init__.py": "from vig_core.case.record import Case\n",
               "vig_core/case/record.py": "from vig_core.case.film import Clip\n", "vig_core/case/film.py": ""}
    assert import_cycles(sources) == [["vig_core.case -> vig_core.case.record (line 1)",
                                       "vig_core.case.record -> vig_core.case (line 1)"]]


# --- the workbook keeps the rules ------------------------------------------------------------------
SOURCES = app_sources()

# Rule 3: the files made outside storage on purpose, each with its reason.
ALLOWED_FILE_MAKERS = {
    ("vig_core/media/edit.py", "compile_film", "tempfile.TemporaryDirectory"):
        "the title-card pictures of a film, in a folder beside it that is gone when the film is made: "
        "mkdtemp makes it 0700, each card in it is made by new_private_file, and the film's own work "
        "folder around it is under a storage Writing note, so a crash leaves nothing behind",
}


def test_only_the_screens_import_streamlit():
    assert [str(f) for f in streamlit_imports(SOURCES)] == []


def test_the_case_is_pure():
    assert [str(f) for f in impure_case_imports(SOURCES)] == []


def test_only_storage_makes_files():
    found = file_makers(SOURCES)
    assert [f"{m.path}:{m.line} in {m.where}: {m.call}" for m in found if m.key not in ALLOWED_FILE_MAKERS] == []
    assert set(ALLOWED_FILE_MAKERS) <= {m.key for m in found}, "an allowed file maker is gone: drop it from the list"


def test_no_module_is_over_400_lines():
    assert long_modules(SOURCES) == {}


def test_no_import_cycles():
    assert import_cycles(SOURCES) == []
