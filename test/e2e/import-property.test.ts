import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { importBundle, SqliteWriter } from '../../src/import/index.js';
import { catalog, emptyPlatform, exportBundle } from './import-fixtures.js';

const TENANT = 'prop';

/** Text with the hard cases: any script, quotes, separators, line breaks, formula starts. */
const text = fc
  .array(
    fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 8 }),
      fc.constantFrom(
        '"',
        "'",
        ',',
        ';',
        '\n',
        '\r\n',
        '\t',
        '\\',
        '=1+1',
        '\u2028',
        '😀',
        'é',
        '',
      ),
    ),
    { maxLength: 6 },
  )
  .map((parts) => parts.join(''));
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });
/** A timestamp as the platform may store it: UTC or with an offset. */
const stamp = fc
  .tuple(fc.integer({ min: 0, max: 4_102_444_800_000 }), fc.constantFrom('Z', '+05:45', '-08:00'))
  .map(([ms, zone]) => {
    const offset =
      zone === 'Z'
        ? 0
        : (zone.startsWith('+') ? 1 : -1) *
          (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4))) *
          60_000;
    return new Date(ms + offset).toISOString().slice(0, 23) + zone;
  });
const json = fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v));

const tenantData = fc.record({
  users: fc.array(
    fc.record({
      name: text,
      title: maybe(text),
      hash: maybe(text),
      active: fc.boolean(),
      at: stamp,
      gone: maybe(stamp),
    }),
    { minLength: 1, maxLength: 5 },
  ),
  projects: fc.array(
    fc.record({ name: text, description: maybe(text), owner: maybe(fc.nat()), at: stamp }),
    { minLength: 1, maxLength: 3 },
  ),
  tasks: fc.array(
    fc.record({
      project: fc.nat(),
      parent: maybe(fc.nat()),
      title: text,
      description: maybe(text),
      assignee: maybe(fc.nat()),
      reporter: fc.nat(),
      points: maybe(fc.integer({ min: 0, max: 9999 }).map((n) => (n / 100).toFixed(2))),
      tags: json,
      fields: json,
      due: maybe(fc.constantFrom('2024-02-29', '2025-12-31')),
      at: stamp,
      deleted: maybe(stamp),
    }),
    { maxLength: 8 },
  ),
  comments: fc.array(
    fc.record({
      task: fc.nat(),
      author: maybe(fc.nat()),
      body: text,
      edited: maybe(stamp),
      at: stamp,
    }),
    { maxLength: 8 },
  ),
});

type TenantData = typeof tenantData extends fc.Arbitrary<infer T> ? T : never;

function seed(file: string, data: TenantData): void {
  const db = new Database(file);
  const pick = (n: number, of: number) => 1000 + (n % of);
  db.transaction(() => {
    db.prepare(
      `INSERT INTO accounts VALUES (?, 'Prop "Co"', 'team', NULL, 'DE', '2020-01-01T00:00:00Z', NULL)`,
    ).run(TENANT);
    data.users.forEach((u, i) =>
      db
        .prepare(
          `INSERT INTO users (id, tenant_id, email, display_name, job_title, password_hash, role, is_active, time_zone, last_login_at, created_at, deleted_at)
        VALUES (?, ?, ?, ?, ?, ?, 'member', ?, NULL, NULL, ?, ?)`,
        )
        .run(
          1000 + i,
          TENANT,
          `u${i}@example.com`,
          u.name,
          u.title,
          u.hash,
          u.active ? 1 : 0,
          u.at,
          u.gone,
        ),
    );
    data.projects.forEach((p, i) =>
      db
        .prepare(
          `INSERT INTO projects (id, tenant_id, key, name, description, owner_id, color, is_archived, created_at, updated_at, deleted_at)
        VALUES (?, ?, ?, ?, ?, ?, NULL, 0, ?, NULL, NULL)`,
        )
        .run(
          1000 + i,
          TENANT,
          `P${i}`,
          p.name,
          p.description,
          p.owner === null ? null : pick(p.owner, data.users.length),
          p.at,
        ),
    );
    data.tasks.forEach((t, i) =>
      db
        .prepare(
          `INSERT INTO tasks (id, tenant_id, project_id, parent_task_id, number, title, description, status, priority, assignee_id, reporter_id, estimate_points, tags, custom_fields, due_date, completed_at, created_at, updated_at, deleted_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, 'todo', 2, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?)`,
        )
        .run(
          1000 + i,
          TENANT,
          pick(t.project, data.projects.length),
          t.parent === null || i === 0 ? null : 1000 + (t.parent % i),
          i + 1,
          t.title,
          t.description,
          t.assignee === null ? null : pick(t.assignee, data.users.length),
          pick(t.reporter, data.users.length),
          t.points,
          t.tags,
          t.fields,
          t.due,
          t.at,
          t.at,
          t.deleted,
        ),
    );
    if (data.tasks.length > 0) {
      data.comments.forEach((c, i) =>
        db
          .prepare(
            `INSERT INTO comments (id, tenant_id, task_id, author_id, body, body_format, created_at, edited_at, deleted_at)
          VALUES (?, ?, ?, ?, ?, 'markdown', ?, ?, NULL)`,
          )
          .run(
            1000 + i,
            TENANT,
            pick(c.task, data.tasks.length),
            c.author === null ? null : pick(c.author, data.users.length),
            c.body,
            c.at,
            c.edited,
          ),
      );
    }
  })();
  db.close();
}

describe('import preserve round trip, property', () => {
  it('export → import into an empty platform → export gives the same content_sha256', async () => {
    await fc.assert(
      fc.asyncProperty(tenantData, async (data) => {
        const source = await emptyPlatform();
        seed(source.db, data);
        const first = await exportBundle(source, TENANT);
        const fresh = await emptyPlatform();
        const target = new SqliteWriter(fresh.db);
        const result = await importBundle({
          file: first.file,
          catalog,
          trusted: true,
          target,
          tenant: TENANT,
          filesDir: fresh.filesDir,
        }).finally(() => target.close());
        expect(result.error).toBeNull();
        expect(result.counts).toMatchObject({
          users: data.users.length,
          tasks: data.tasks.length,
          comments: data.tasks.length > 0 ? data.comments.length : 0,
        });
        const second = await exportBundle(fresh, TENANT);
        expect(second.manifest.content_sha256).toBe(first.manifest.content_sha256);
      }),
      { numRuns: 15 },
    );
  });
});
