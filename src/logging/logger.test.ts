import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { eventLogger, logDestination, resolveLogFormat } from './logger.js';

/** A stream that keeps what is written to it, as text. */
function collector(): Writable & { text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  return Object.assign(stream, { text: () => Buffer.concat(chunks).toString('utf8') });
}

describe('log destinations', () => {
  it('writes JSON lines straight into the output', () => {
    const output = collector();
    expect(logDestination('json', output)).toBe(output);
    eventLogger(logDestination('json', output)).info({ exportId: 'exp_1' }, 'export completed');
    const line = JSON.parse(output.text()) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 30, msg: 'export completed', exportId: 'exp_1' });
  });

  it('writes a readable line, whole, before the call returns, for a person at a terminal', () => {
    const output = collector();
    eventLogger(logDestination('pretty', output)).info({ exportId: 'exp_1' }, 'export completed');
    const text = output.text();
    expect(text).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: export completed\n/);
    expect(text).toContain('exportId: "exp_1"');
    expect(text).not.toContain('"level"');
  });

  it('chooses pretty for a terminal and JSON for a pipe, unless the setting says', () => {
    expect(resolveLogFormat(null, { isTTY: true })).toBe('pretty');
    expect(resolveLogFormat(null, { isTTY: false })).toBe('json');
    expect(resolveLogFormat('json', { isTTY: true })).toBe('json');
  });
});
