import { describe, expect, it } from 'vitest';
import { HOSTILE_TITLE, sampleDocumentInput } from '../../test/support/document-inputs.js';
import { escapeHtml, fileHref, inlineCode } from './html-text.js';
import { renderIndexHtml } from './index-html.js';

describe('index.html text', () => {
  const input = sampleDocumentInput();
  const html = renderIndexHtml(input);

  it('is the same for the same input', () => {
    expect(renderIndexHtml(sampleDocumentInput())).toBe(html);
  });

  it('carries record text only escaped, and no script, link or remote reference', () => {
    expect(html).not.toContain(HOSTILE_TITLE);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//i);
    expect(html).toContain("default-src 'none'");
  });

  it('escapes markup, quotes and backquoted names', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;',
    );
    expect(inlineCode('run `a <b>` now')).toBe('run <code>a &lt;b&gt;</code> now');
    expect(fileHref('data/my file#1.csv')).toBe('data/my%20file%231.csv');
  });
});
