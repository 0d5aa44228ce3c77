"""The project's test command: notebooks clean, package in sync, templates declare parameters, every notebook runs, the docs site builds with no broken link.

Each check and each notebook counts as one test; the last line is `N passed, N failed`."""
import shutil, subprocess, sys, tempfile, time
from concurrent.futures import ThreadPoolExecutor
from filecmp import dircmp
from pathlib import Path

import nbformat, papermill

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TEMPLATES = sorted((ROOT/'nbs'/'experiments').glob('*.ipynb'))
CACHE_FILLERS = ['01_data.ipynb', '02_tokenizer.ipynb']


def _differences(a: Path, b: Path, prefix='') -> list:
    "Files that differ between folders `a` and `b`, recursively."
    c = dircmp(a, b, ignore=['__pycache__', '.ipynb_checkpoints'])
    out = [prefix + f for f in c.diff_files + c.left_only + c.right_only]
    return out + [d for s in c.common_dirs for d in _differences(a/s, b/s, f'{prefix}{s}/')]


def check_clean_and_exported() -> str:
    "nbdev-clean and nbdev-export, run on a copy, must change nothing."
    with tempfile.TemporaryDirectory() as tmp:
        for p in ('nbs', 'neoberta'): shutil.copytree(ROOT/p, Path(tmp)/p, ignore=shutil.ignore_patterns('__pycache__', '.ipynb_checkpoints'))
        shutil.copy(ROOT/'pyproject.toml', tmp)
        for cmd in ('nbdev-clean', 'nbdev-export'):
            subprocess.run([BIN/cmd], cwd=tmp, check=True, capture_output=True)
        bad = [f'nbs/{f}' for f in _differences(ROOT/'nbs', Path(tmp)/'nbs')]
        bad += [f'neoberta/{f}' for f in _differences(ROOT/'neoberta', Path(tmp)/'neoberta')]
    if bad: raise AssertionError('run nbdev-clean and nbdev-export, then commit; these would change: ' + ', '.join(bad))
    return 'notebooks clean, neoberta/ in sync with nbs/'


def check_templates() -> str:
    "Every papermill template has exactly one `parameters` cell that declares something."
    if not TEMPLATES: raise AssertionError('no papermill templates found under nbs/experiments')
    for nb in TEMPLATES:
        tagged = [c for c in nbformat.read(nb, 4).cells if 'parameters' in c.metadata.get('tags', [])]
        if len(tagged) != 1: raise AssertionError(f'{nb.name}: {len(tagged)} cells tagged parameters, need exactly 1')
        if not papermill.inspect_notebook(str(nb)): raise AssertionError(f'{nb.name}: its parameters cell declares nothing')
    return f'{len(TEMPLATES)} templates declare their parameters'


def run_notebook(nb: Path):
    "nbdev-test one notebook from a fresh kernel."
    t = time.time()
    r = subprocess.run([BIN/'nbdev-test', str(nb), '--n-workers', '0'], cwd=ROOT, capture_output=True, text=True)
    if r.returncode: raise AssertionError((r.stdout + r.stderr)[-6000:])
    return f'{time.time() - t:.0f}s'


def check_docs() -> str:
    "The static docs site builds, has a page for every notebook, and every local link and image in it resolves."
    import build_docs
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp)/'bad.html').write_text('<a href="missing.html">x</a><img src="data:image/png;base64,AA"><a href="#top">t</a>')
        if build_docs.broken_links(Path(tmp)) != ['bad.html: missing.html']: raise AssertionError('the link check misses a broken link')
        pages = build_docs.build(Path(tmp)/'site')
        missing = [nb for nb in build_docs.notebooks() if not (Path(tmp)/'site'/build_docs.page_of(nb)).exists()]
        if missing: raise AssertionError(f'no page for {missing}')
    return f'{len(pages)} pages, every local link and image resolves'


def main():
    results = []
    def check(name, fn, *args):
        try: msg, ok = fn(*args), True
        except Exception as e: msg, ok = str(e), False
        print(f"{'PASS' if ok else 'FAIL'} {name}: {msg}", flush=True)
        results.append(ok)
    check('clean+export', check_clean_and_exported)
    check('templates', check_templates)
    # the notebooks that fill the shared caches (data, then tokenizers) run first, one at a time; the rest two at a time
    first = [ROOT/'nbs'/n for n in CACHE_FILLERS]
    for nb in first: check(nb.relative_to(ROOT), run_notebook, nb)
    rest = [nb for nb in sorted((ROOT/'nbs').rglob('*.ipynb')) if nb not in first]
    with ThreadPoolExecutor(2) as ex: list(ex.map(lambda nb: check(nb.relative_to(ROOT), run_notebook, nb), rest))
    check('docs', check_docs)
    print(f'{sum(results)} passed, {results.count(False)} failed')
    sys.exit(0 if all(results) else 1)


if __name__ == '__main__': main()
