"""The docs site where Quarto is not installed: every notebook of nbs/ (index, modules, templates, reports) as a static HTML page.

`python tools/build_docs.py OUT` writes OUT/ (replaced whole). The index and the reports are executed first (they read
committed tables: seconds each); module notebooks and templates are shown as written (`make test` runs them). Links
between notebooks become links between pages, other files of the repository that a page links to (figures) are copied
beside the pages, and every page gets a navigation bar. The build fails if any local link or image does not resolve."""
import html, os, re, shutil, sys, tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbconvert import HTMLExporter

ROOT = Path(__file__).resolve().parents[1]
NBS = ROOT/'nbs'
EXECUTED = ('index.ipynb', 'reports/*.ipynb')  # fast pages run before rendering
SECTIONS = {'modules': '[0-9]*.ipynb', 'reports': 'reports/*.ipynb', 'experiments': 'experiments/*.ipynb'}
LINK = re.compile(r'\b(href|src)="([^"]*)"')
EXTERNAL = re.compile(r'^([a-z][a-z0-9+.-]*:|//|#)', re.I)  # http:, data:, mailto:, protocol-relative, in-page anchors


def notebooks() -> list[Path]:
    "Every notebook that becomes a page: the index first, then each section's."
    return [NBS/'index.ipynb'] + [p for g in SECTIONS.values() for p in sorted(NBS.glob(g))]

def page_of(nb:Path) -> Path: return nb.relative_to(NBS).with_suffix('.html')

def title_of(nb:nbformat.NotebookNode, path:Path) -> str:
    "The first markdown heading of a notebook, or its file name."
    for c in nb.cells:
        m = re.search(r'^#\s+(.+)$', c.source, re.M) if c.cell_type == 'markdown' else None
        if m: return m[1].strip()
    return path.stem


def navigation(pages:dict[Path, str], here:Path) -> str:
    "A navigation bar: the index, then each section's pages, linked relative to page `here`."
    link = lambda nb: f'<a href="{os.path.relpath(page_of(nb), page_of(here).parent)}">{html.escape(pages[nb])}</a>'
    parts = [link(NBS/'index.ipynb')]
    for name, glob in SECTIONS.items():
        parts.append(f'<b>{name}</b>: ' + ' · '.join(link(p) for p in sorted(NBS.glob(glob))))
    return '<nav style="font:14px sans-serif;padding:8px 16px;border-bottom:1px solid #ccc">' + '<br>'.join(parts) + '</nav>'


def local_target(src:Path, url:str) -> tuple[Path, str]|None:
    "The repository file a relative link of notebook `src` points to, and its anchor; None for external links."
    if not url or EXTERNAL.match(url): return None
    path, _, anchor = url.partition('#')
    return (src.parent/path).resolve(), anchor

def rewrite_links(page:str, src:Path, out:Path) -> str:
    "Links of notebook `src`'s page: notebooks to their pages, other repository files copied under out/files/."
    here = (out/page_of(src)).parent
    def fix(m):
        target = local_target(src, m[2])
        if target is None: return m[0]
        path, anchor = target
        if path.suffix == '.ipynb' and path.is_relative_to(NBS): dest = out/page_of(path)
        elif path.is_file() and path.is_relative_to(ROOT):
            dest = out/'files'/path.relative_to(ROOT)
            dest.parent.mkdir(parents=True, exist_ok=True); shutil.copy2(path, dest)
        else: return m[0]  # left as written: the link check names it
        return f'{m[1]}="{os.path.relpath(dest, here)}{"#" + anchor if anchor else ""}"'
    return LINK.sub(fix, page)


def render(src:Path, nb:nbformat.NotebookNode, nav:str, out:Path) -> Path:
    "Execute `nb` if it is a fast page, convert it to HTML (figures embedded), fix its links and write its page."
    if any(src.relative_to(NBS).match(g) for g in EXECUTED):
        NotebookClient(nb, timeout=600, kernel_name='python3', resources={'metadata': {'path': str(src.parent)}}).execute()
        for c in nb.cells:  # warnings belong in a build log, not on the page
            if c.cell_type == 'code': c.outputs = [o for o in c.outputs if o.get('name') != 'stderr']
    body, _ = HTMLExporter(template_name='lab').from_notebook_node(nb)
    body = re.sub(r'(<body[^>]*>)', lambda m: m[1] + nav, body, count=1)
    dest = out/page_of(src)
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(rewrite_links(body, src, out), encoding='utf-8')
    return dest


def broken_links(out:Path) -> list[str]:
    "Every local link or image of the pages in `out` whose file does not exist, as 'page: target'."
    bad = []
    for page in sorted(out.rglob('*.html')):
        for _, url in LINK.findall(page.read_text(encoding='utf-8')):
            if url and not EXTERNAL.match(url) and not (page.parent/url.partition('#')[0]).exists():
                bad.append(f'{page.relative_to(out)}: {url}')
    return bad


def build(out:Path|str) -> list[Path]:
    "Write the site to `out` (built aside, then moved into place); return its pages."
    out = Path(out).resolve()
    nbs = {p: nbformat.read(p, 4) for p in notebooks()}
    titles = {p: title_of(nb, p) for p, nb in nbs.items()}
    with tempfile.TemporaryDirectory(dir=out.parent if out.parent.exists() else None) as tmp:
        site = Path(tmp)/'site'
        pages = [render(p, nb, navigation(titles, p), site) for p, nb in nbs.items()]
        bad = broken_links(site)
        if bad: raise AssertionError(f'{len(bad)} broken local links or images:\n' + '\n'.join(bad))
        shutil.rmtree(out, ignore_errors=True)
        shutil.move(site, out)
    return [out/p.relative_to(site) for p in pages]


if __name__ == '__main__':
    try: pages = build(sys.argv[1] if len(sys.argv) > 1 else ROOT/'_docs')
    except AssertionError as e: sys.exit(str(e))
    print(f'{len(pages)} pages, every local link and image resolves: {pages[0]}')
