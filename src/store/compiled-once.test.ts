import { sql } from './kysely.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compiledOnce } from './compiled-once.js';
import { openStore, type Store } from './index.js';
import { openStateDb, type StateDb } from './state-db.js';
import {
  createStateDatabase,
  DIALECTS,
  type TestStateDatabase,
} from '../../test/support/state-stores.js';

for (const dialect of DIALECTS)
  describe(`a query compiled once on ${dialect}`, () => {
    let database: TestStateDatabase;
    let state: StateDb;
    let store: Store;
    beforeEach(async () => {
      database = await createStateDatabase(dialect);
      store = await openStore(database.url);
      state = await openStateDb(database.url);
      for (const tenant of ['acme', 'globex']) await store.tenants.upsert(tenant, tenant);
    });
    afterEach(async () => {
      await store.close();
      await state.db.destroy();
      await database.drop();
    });

    it('answers each call for its own arguments, as the query built anew does', async () => {
      const { db } = state;
      const tenantNamed = compiledOnce(db, 2, (id: string, name: string) =>
        db
          .selectFrom('tenants')
          .select(['id', 'name'])
          .where('id', '=', id)
          .where('name', '=', name),
      );
      expect(await tenantNamed('acme', 'acme')).toEqual([{ id: 'acme', name: 'acme' }]);
      expect(await tenantNamed('globex', 'globex')).toEqual([{ id: 'globex', name: 'globex' }]);
      expect(await tenantNamed('acme', 'globex')).toEqual([]);
      // A row written after the query was built is read: only the text is kept.
      await store.tenants.upsert('initech', 'initech');
      expect(await tenantNamed('initech', 'initech')).toEqual(
        await db
          .selectFrom('tenants')
          .select(['id', 'name'])
          .where('id', '=', 'initech')
          .where('name', '=', 'initech')
          .execute(),
      );
    });

    it('refuses at once a query that writes an argument into its text', () => {
      const { db } = state;
      expect(() =>
        compiledOnce(db, 1, (id: string) =>
          db
            .selectFrom('tenants')
            .select('id')
            .where(sql.raw(`id = '${id}'`) as never),
        ),
      ).toThrow(/argument 0 is not a parameter/);
    });
  });
