import { describe, expect, it } from 'vitest';
import { ConfigError } from './index.js';
import { loadSettings } from './settings.js';

const cwd = '/srv/portage';
const load = (env: Record<string, string>) => loadSettings(env, cwd);
const platform = { PORTAGE_SOURCE_URL: 'postgres://portage@db.internal/platform' };

describe('settings of SPEC §12.4', () => {
  it('binds the demo to loopback and a configured platform to every address', () => {
    expect(load({}).demo).toBe(true);
    expect(load({}).host).toBe('127.0.0.1');
    expect(load(platform).host).toBe('0.0.0.0');
  });

  it('takes PORTAGE_HOST, else HOST, over either default', () => {
    expect(load({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    expect(load({ ...platform, HOST: '10.0.0.5' }).host).toBe('10.0.0.5');
    expect(load({ HOST: '10.0.0.5', PORTAGE_HOST: '::1' }).host).toBe('::1');
    expect(load({ HOST: ' ', ...platform }).host).toBe('0.0.0.0');
  });

  it('believes forwarded headers from no proxy unless PORTAGE_TRUST_PROXY lists them', () => {
    expect(load({}).trustProxy).toEqual([]);
    expect(load({ PORTAGE_TRUST_PROXY: '10.0.0.0/8, 192.168.1.7,::1/128' }).trustProxy).toEqual([
      '10.0.0.0/8',
      '192.168.1.7',
      '::1/128',
    ]);
    for (const bad of ['true', '*', '10.0.0.0/33', 'proxy.internal', '10.0.0.1/8/8', '::1/129']) {
      expect(() => load({ PORTAGE_TRUST_PROXY: bad }), bad).toThrow(ConfigError);
      expect(() => load({ PORTAGE_TRUST_PROXY: bad }), bad).toThrow(/PORTAGE_TRUST_PROXY/);
    }
  });

  it('keeps /metrics closed without PORTAGE_METRICS_TOKEN', () => {
    expect(load({}).metricsToken).toBeNull();
    expect(load({ PORTAGE_METRICS_TOKEN: '  ' }).metricsToken).toBeNull();
    expect(load({ PORTAGE_METRICS_TOKEN: 'mt_secret' }).metricsToken).toBe('mt_secret');
  });

  it('bounds imports by default: 10 a day, 1 running per tenant, 4 GiB inflated', () => {
    const settings = load({});
    expect(settings.importLimits).toEqual({ perDay: 10, maxRunning: 1, concurrency: 4 });
    expect(settings.importMaxExpandedBytes).toBe(4 * 1024 ** 3);
    expect(
      load({ PORTAGE_IMPORT_MAX_RUNNING: '3', PORTAGE_IMPORT_CONCURRENCY: '8' }).importLimits,
    ).toMatchObject({ maxRunning: 3, concurrency: 8 });
    expect(() => load({ PORTAGE_IMPORT_MAX_RUNNING: '0' })).toThrow(/PORTAGE_IMPORT_MAX_RUNNING/);
    expect(() => load({ PORTAGE_IMPORT_CONCURRENCY: '65' })).toThrow(/PORTAGE_IMPORT_CONCURRENCY/);
  });

  it('splits data files at 1 GiB unless PORTAGE_PART_BYTES says otherwise, and refuses a size that is no size', () => {
    expect(load({}).partBytes).toBe(1024 ** 3);
    expect(load({ PORTAGE_PART_BYTES: '4096' }).partBytes).toBe(4096);
    expect(load({ PORTAGE_PART_BYTES: '1' }).partBytes).toBe(1);
    for (const bad of ['0', '-1', 'abc', '1.5', '1e9', '4 KiB']) {
      expect(() => load({ PORTAGE_PART_BYTES: bad }), bad).toThrow(ConfigError);
      expect(() => load({ PORTAGE_PART_BYTES: bad }), bad).toThrow(
        /^PORTAGE_PART_BYTES must be a whole number/,
      );
    }
  });

  it('keeps every export on one worker unless PORTAGE_EXPORT_SPLIT_ROWS names a row count, and refuses one that is no count', () => {
    expect(load({}).splitRows).toBe(0);
    expect(load({ PORTAGE_EXPORT_SPLIT_ROWS: '0' }).splitRows).toBe(0);
    expect(load({ PORTAGE_EXPORT_SPLIT_ROWS: '250000' }).splitRows).toBe(250_000);
    for (const bad of ['-1', 'abc', '1.5', '1e6', '100k']) {
      expect(() => load({ PORTAGE_EXPORT_SPLIT_ROWS: bad }), bad).toThrow(
        /^PORTAGE_EXPORT_SPLIT_ROWS must be a whole number/,
      );
    }
  });
});
