import { describe, expect, it } from 'vitest';
import { catalogMarkdownHtml, catalogMarkdownSpans } from './catalog-markdown.js';

describe('catalog Markdown', () => {
  it('renders code, emphasis and http(s) and mailto links as HTML', () => {
    expect(
      catalogMarkdownHtml(
        'The `id` of a **user**, *never* reused; see [the guide](https://example.com/a?b=1&c=2) or <mailto:help@example.com>.',
      ),
    ).toBe(
      'The <code>id</code> of a <strong>user</strong>, <em>never</em> reused; see ' +
        '<a href="https://example.com/a?b=1&amp;c=2" rel="noopener noreferrer">the guide</a> or ' +
        '<a href="mailto:help@example.com" rel="noopener noreferrer">mailto:help@example.com</a>.',
    );
  });

  it('lets no raw HTML, script or image through', () => {
    const html = catalogMarkdownHtml(
      'Notes <script>alert(1)</script> <b onclick="alert(2)">bold</b> <img src=x onerror=alert(3)> ![pixel](https://tracker.example/p.png)',
    );
    expect(html).not.toMatch(/<(script|b|img)\b/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;b onclick=&quot;alert(2)&quot;&gt;');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('src="https://tracker.example');
  });

  it('keeps a link to anything but http(s) or mailto as inert text', () => {
    for (const target of [
      'javascript:alert(1)',
      'JAVASCRIPT:alert(1)',
      ' javascript:alert(1)',
      'vbscript:msgbox(1)',
      'data:text/html,<script>alert(1)</script>',
      'file:///etc/passwd',
      '//evil.example/',
      '/relative',
    ]) {
      const html = catalogMarkdownHtml(`[x](${target})`);
      expect(html, target).not.toContain('<a');
      expect(html, target).not.toContain('<script');
    }
    expect(catalogMarkdownHtml('<javascript:alert(1)>')).not.toContain('<a');
  });

  it('reads the same Markdown into plain runs for documents without HTML', () => {
    expect(
      catalogMarkdownSpans(
        'The `id` of a **user**, *never* [reused](https://example.com/r) <b>x</b> [y](javascript:alert(1))',
      ),
    ).toEqual([
      { text: 'The ', style: 'regular' },
      { text: 'id', style: 'mono' },
      { text: ' of a ', style: 'regular' },
      { text: 'user', style: 'bold' },
      {
        text: ', never reused (https://example.com/r) <b>x</b> [y](javascript:alert(1))',
        style: 'regular',
      },
    ]);
  });
});
