import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { jsonlLines } from './jsonl-lines.js';

async function lines(chunks: (string | Buffer)[], max = 1024): Promise<string[]> {
  const out: string[] = [];
  const input = Readable.from(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c)));
  for await (const line of jsonlLines(input, 'data/x.jsonl', max)) out.push(line.text);
  return out;
}

describe('JSON Lines reading', () => {
  it('splits on \\n only, across chunk boundaries, with multi-byte characters cut in two', async () => {
    const euro = Buffer.from('€');
    expect(
      await lines([
        '{"a":"x\u2028y"}\n{"b":',
        Buffer.concat([Buffer.from('"'), euro.subarray(0, 1)]),
        Buffer.concat([euro.subarray(1), Buffer.from('"}\n')]),
      ]),
    ).toEqual(['{"a":"x\u2028y"}', '{"b":"€"}']);
  });

  it('keeps a last line without its \\n', async () => {
    expect(await lines(['1\n2'])).toEqual(['1', '2']);
  });

  it('refuses a line longer than the limit, naming file and line', async () => {
    await expect(lines(['ok\n', 'x'.repeat(20), 'x'.repeat(20)], 32)).rejects.toThrow(
      /data\/x\.jsonl line 2 is longer than 32 bytes/,
    );
  });

  it('refuses bytes that are not UTF-8', async () => {
    await expect(lines([Buffer.from([0x22, 0xff, 0x22, 0x0a])])).rejects.toThrow(
      /line 1 is not UTF-8/,
    );
  });
});
