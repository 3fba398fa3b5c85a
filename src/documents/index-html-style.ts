/** The stylesheet of `index.html`: inline, system fonts only, readable on screen and on paper. */
export const INDEX_HTML_STYLE = `
:root { color-scheme: light; --line: #d0d7de; --muted: #57606a; --soft: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 72rem; padding: 1.5rem; color: #1f2328; background: #fff;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif; }
h1 { font-size: 1.7rem; margin: 0 0 .5rem; }
h2 { font-size: 1.3rem; margin: 2.2rem 0 .6rem; padding-bottom: .3rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.1rem; margin: 1.6rem 0 .4rem; }
h4 { font-size: 1rem; margin: 1rem 0 .3rem; }
code, .json { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: .9em; }
a { color: #0550ae; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 1rem 0; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.lead { font-size: 1.05rem; }
nav ul { columns: 2 16rem; padding-left: 1.2rem; }
table { border-collapse: collapse; margin: .4rem 0 1rem; }
th, td { border: 1px solid var(--line); padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: var(--soft); }
caption { text-align: left; color: var(--muted); padding: .2rem 0; caption-side: top; }
.scroll { overflow-x: auto; max-width: 100%; }
table.records td { white-space: pre-wrap; overflow-wrap: break-word; max-width: 36rem; unicode-bidi: plaintext; }
table.records td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.records td.time { white-space: nowrap; }
table.records td.json { min-width: 14rem; }
table.records td.long { min-width: 24rem; }
.null { color: var(--muted); font-style: italic; }
.cut { display: block; margin-top: .3rem; color: #9a6700; font-style: italic; white-space: normal; }
.note { color: var(--muted); }
.status { padding: .4rem .6rem; border-left: 4px solid var(--line); background: var(--soft); }
.status.included { border-color: #1a7f37; }
.status.excluded { border-color: #cf222e; }
.status.skipped { border-color: #9a6700; }
.yes { color: #1a7f37; font-weight: 600; }
.no { color: #cf222e; font-weight: 600; }
td.sum { font-size: .85em; min-width: 12rem; }
td.size { white-space: nowrap; }
code.hash { font-size: .95em; overflow-wrap: normal; word-break: keep-all; }
.ref { font-size: .9em; color: var(--muted); }
details > summary { cursor: pointer; font-weight: 600; margin: .6rem 0 .2rem; }
footer { margin-top: 3rem; color: var(--muted); font-size: .9rem; }
@media (max-width: 40rem) {
  body { padding: 1rem; }
  table.files, table.files tbody, table.files tr, table.files td { display: block; }
  table.files thead { display: none; }
  table.files tr { border: 1px solid var(--line); margin-bottom: .5rem; }
  table.files td { border: 0; padding: .15rem .5rem; min-width: 0; }
  table.files td.size::before { content: "Size: "; color: var(--muted); }
  table.files td.sum::before { content: "SHA-256: "; color: var(--muted); font-family: system-ui, sans-serif; }
}
@media print { .scroll { overflow: visible; } a { color: inherit; } }
`;
