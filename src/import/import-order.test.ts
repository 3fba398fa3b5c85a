import { describe, expect, it } from 'vitest';
import type { IncludedCategory } from '../catalog/index.js';
import { ImportRefusal } from './import-error.js';
import { importOrder } from './import-order.js';

function category(name: string, references: string[]): { category: IncludedCategory } {
  return {
    category: {
      included: true,
      name,
      title: name,
      description: '',
      source: { kind: 'table', table: name, tenantColumn: 'tenant_id', through: [] },
      primaryKey: ['id'],
      fields: [],
      excludedFields: [],
      references: references.map((c) => ({ fields: [`${c}_id`], category: c })),
      tabular: true,
      files: null,
      account: null,
      platformOwned: false,
    },
  };
}

const names = (list: readonly { category: IncludedCategory }[]) => list.map((c) => c.category.name);

describe('import order', () => {
  it('puts each category after the ones it references, keeping catalog order otherwise', () => {
    const order = importOrder([
      category('comments', ['tasks', 'users']),
      category('users', []),
      category('tasks', ['tasks', 'users']),
      category('labels', []),
    ]);
    expect(names(order)).toEqual(['users', 'tasks', 'comments', 'labels']);
  });

  it('ignores references to categories the bundle does not hold', () => {
    expect(names(importOrder([category('tasks', ['projects'])]))).toEqual(['tasks']);
  });

  it('names the categories of a cycle', () => {
    const cycle = () =>
      importOrder([category('a', ['b']), category('b', ['a']), category('c', [])]);
    expect(cycle).toThrow(ImportRefusal);
    expect(cycle).toThrow(/cycle among a, b/);
  });
});
