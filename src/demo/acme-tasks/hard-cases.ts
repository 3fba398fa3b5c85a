/**
 * Values that break naive exporters: they are written into the first rows of
 * each tenant so every export, at any scale, has to get them right.
 */

/**
 * Texts with unicode (accents, CJK, emoji, right-to-left, combining marks),
 * commas, quotes, CR/LF, spreadsheet formula bait and edge whitespace.
 */
export const HARD_TEXTS: readonly string[] = [
  'Café crème: naïve façade, résumé and Ærøskøbing',
  '日本語のタスク — 中文任务 — 한국어 작업',
  'Ship it 🚀🎉 (pairing 👩🏽‍💻 with 👨‍👩‍👧)',
  'مراجعة التصميم النهائي قبل الإطلاق',
  'שלום עולם: RTL text mixed with LTR, 123',
  'Combining marks: e\u0301 n\u0303 a\u030a o\u0308\u0332',
  'Commas, everywhere, in, this, title',
  'She said "ship it", then ""left""',
  'Line one\nLine two\nLine three',
  'Windows line\r\nbreak, and a lone CR\rhere',
  '=HYPERLINK("https://example.com/x","click me")',
  '+1 (555) 010-0199',
  '-2 days late',
  '@channel please review',
  '\tTab-led title',
  '  padded with spaces  ',
  "It's a 'single-quoted' \\ backslash and a / slash",
  'Zero\u200bwidth space, NBSP\u00a0here and soft\u00adhyphen',
  '=1+2',
  'Ünïcödé 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝟙𝟚𝟛 (astral plane)',
];

/** Descriptions cycled through; `null` and `''` sit side by side on purpose. */
export const HARD_DESCRIPTIONS: readonly (string | null)[] = [
  null,
  '',
  'Steps to reproduce:\n1. Open the board\n2. Drag a card, then drop it\n\nExpected: "moved"\r\nActual: nothing',
  '## Notes\n\n```js\nconst x = "a,b";\nconsole.log(x);\n```\n\n| col | val |\n|-----|-----|\n| a   | 1,5 |',
  '-- SQL comment; DROP TABLE tasks; --',
  ' ',
];

/**
 * JSON objects stored as raw text: keys in non-sorted order, integer-like keys
 * ("10" before "2"), objects in arrays in objects, escaped and literal unicode,
 * JSON null, floats and empty containers.
 */
export const HARD_CUSTOM_FIELDS: readonly string[] = [
  '{"zeta":1,"10":"ten","2":"two","alpha":{"nested":[{"k":"v","b":[1,2,{"10":true,"2":false}]},[]],"empty":{}},"list":[],"unicode":"ü 日本 🎉","escaped":"caf\\u00e9 \\ud83d\\ude80","quote":"say \\"hi\\", then\\nleave","none":null,"ratio":3.5,"tiny":0.1}',
  '{"sprint":{"number":12,"goals":[{"title":"Fix login","done":false,"owners":[{"id":7,"name":"Zoë"}]}]},"customer":"=cmd|\' /C calc\'!A0"}',
  '{}',
  '{"b":{"d":{"f":{"h":{"j":{"depth":5}}}}},"a":[[[["deep"]]]],"1":1,"01":"leading zero key"}',
];

/** Tag lists stored as raw JSON text, including an empty one. */
export const HARD_TAGS: readonly string[] = [
  '[]',
  '["naïve","emoji 🎉","comma, inside","quote \\"x\\"","=SUM(A1:A2)","line\\nbreak"]',
  '["日本語","עברית","bug"]',
  '["","  ","-1","@here"]',
];

/** Display names for the first users of each tenant. */
export const HARD_NAMES: readonly string[] = [
  'Zoë Ångström-Ñúñez',
  '李小龍',
  'محمد الفارسي',
  'O\'Brien, "Danny"',
  "=Robert'); DROP TABLE users;--",
  'Ева Петрова',
];

/**
 * A comment body of more than 110,000 characters (about 140 KB of UTF-8), with
 * paragraphs, CRLF and LF newlines, quotes and multi-byte characters.
 */
export function longCommentBody(): string {
  const paragraph =
    'Meeting notes, part §{n}: the "export" must be complete — every row, every file.\r\n' +
    'Les données exportées doivent être exactes; 数据必须完整; البيانات كاملة. 🚀\n\n';
  const parts: string[] = [];
  let length = 0;
  for (let n = 1; length < 110_000; n++) {
    const text = paragraph.replace('{n}', String(n));
    parts.push(text);
    length += text.length;
  }
  return parts.join('');
}

/** An invoice subtotal beyond 2^31 cents (about 98.8 million in the currency). */
export const LARGE_SUBTOTAL_CENTS = 9_876_543_210;
