import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import type { LineCounter, Node } from 'yaml';
import type { CatalogIssue } from './catalog-error.js';

let yamlModule: typeof Yaml | undefined;

/** The yaml package, loaded at the first catalog read from YAML: a compiled catalog needs none. */
function yaml(): typeof Yaml {
  return (yamlModule ??= createRequire(import.meta.url)('yaml') as typeof Yaml);
}

/** The path of a node: mapping keys and sequence indexes. */
export type YamlPath = readonly (string | number)[];
type Path = YamlPath;

/**
 * Reads typed values out of a YAML document, recording an issue (with file,
 * line and field path) for every value that is missing or of the wrong type,
 * so a validator can report all problems at once.
 */
export class YamlReader {
  readonly issues: CatalogIssue[] = [];
  private readonly lines: LineCounter = new (yaml().LineCounter)();
  private readonly doc;

  constructor(
    readonly file: string,
    text: string,
  ) {
    this.doc = yaml().parseDocument(text, { lineCounter: this.lines });
    for (const error of this.doc.errors) {
      const line = error.linePos?.[0].line ?? 1;
      this.issues.push({
        file,
        line,
        field: '(syntax)',
        message: error.message.split('\n')[0] ?? '',
      });
    }
  }

  /** Renders a path the way a reader of the file names a field. */
  static fieldName(path: Path): string {
    let out = '';
    for (const part of path) {
      out += typeof part === 'number' ? `[${part}]` : out === '' ? part : `.${part}`;
    }
    return out === '' ? '(root)' : out;
  }

  /**
   * Line of the node at `path`; for a missing node, the line of the key that
   * introduces its nearest existing ancestor (where a reader would add it).
   */
  lineOf(path: Path): number {
    for (let n = path.length; n >= 0; n--) {
      const node = this.doc.getIn(path.slice(0, n), true) as Node | undefined;
      if (node === undefined) continue;
      const key = n === path.length || n === 0 ? undefined : this.keyNode(path.slice(0, n));
      const range = key?.range ?? node.range;
      if (range) return this.lines.linePos(range[0]).line;
    }
    return 1;
  }

  private keyNode(path: Path): Node | undefined {
    const parent = this.doc.getIn(path.slice(0, -1), true) as Node | undefined;
    if (!yaml().isMap(parent)) return undefined;
    const name = path.at(-1);
    const pair = parent.items.find((p) => yaml().isScalar(p.key) && p.key.value === name);
    return yaml().isScalar(pair?.key) ? pair.key : undefined;
  }

  /** Records a problem with the field at `path`. */
  fail(path: Path, message: string): void {
    this.issues.push({
      file: this.file,
      line: this.lineOf(path),
      field: YamlReader.fieldName(path),
      message,
    });
  }

  has(path: Path): boolean {
    return this.doc.hasIn(path);
  }

  /** A required non-empty string. */
  string(path: Path): string;
  /** An optional string, `fallback` when absent. */
  string<T>(path: Path, fallback: T): string | T;
  string<T>(path: Path, ...fallback: [T?]): string | T | undefined {
    const node = this.doc.getIn(path, true) as Node | undefined;
    if (node === undefined || (yaml().isScalar(node) && node.value === null)) {
      if (fallback.length > 0) return fallback[0];
      this.fail(path, 'is required');
      return '';
    }
    if (!yaml().isScalar(node) || typeof node.value !== 'string' || node.value.trim() === '') {
      this.fail(path, 'must be a non-empty string');
      return '';
    }
    return node.value;
  }

  /** An optional boolean, `fallback` when absent. */
  boolean(path: Path, fallback: boolean): boolean {
    const node = this.doc.getIn(path, true) as Node | undefined;
    if (node === undefined) return fallback;
    if (!yaml().isScalar(node) || typeof node.value !== 'boolean') {
      this.fail(path, 'must be true or false');
      return fallback;
    }
    return node.value;
  }

  /** An optional integer within `[min, max]`, null when absent. */
  integer(path: Path, min: number, max: number): number | null {
    const node = this.doc.getIn(path, true) as Node | undefined;
    if (node === undefined) return null;
    const value = yaml().isScalar(node) ? node.value : undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.fail(path, `must be an integer from ${min} to ${max}`);
      return null;
    }
    return value;
  }

  /** A required string or non-empty list of strings, as a list. */
  stringOrList(path: Path): string[] {
    const node = this.doc.getIn(path, true) as Node | undefined;
    if (yaml().isSeq(node)) {
      if (node.items.length === 0) this.fail(path, 'must name at least one column');
      return this.strings(path, true);
    }
    return [this.string(path)];
  }

  /** An optional scalar of any JSON type (string, number, boolean, null). */
  scalar(path: Path): string | number | boolean | null | undefined {
    const node = this.doc.getIn(path, true) as Node | undefined;
    if (node === undefined) return undefined;
    if (!yaml().isScalar(node)) {
      this.fail(path, 'must be a string, number, boolean or null');
      return undefined;
    }
    const value = node.value;
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) {
      return value as string | number | boolean | null;
    }
    this.fail(path, 'must be a string, number, boolean or null');
    return undefined;
  }

  /** Length of the sequence at `path`; 0 (and, if `required`, an issue) when absent. */
  length(path: Path, required: boolean): number {
    const node = this.doc.getIn(path, true) as Node | undefined;
    if (node === undefined || (yaml().isScalar(node) && node.value === null)) {
      if (required) this.fail(path, 'is required (a list)');
      return 0;
    }
    if (!yaml().isSeq(node)) {
      this.fail(path, 'must be a list');
      return 0;
    }
    return node.items.length;
  }

  /** Required list of strings. */
  strings(path: Path, required: boolean): string[] {
    const n = this.length(path, required);
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(this.string([...path, i]));
    return out;
  }

  /** Whether the node at `path` is a mapping; records an issue if present and not one. */
  isMapping(path: Path): boolean {
    const node = this.doc.getIn(path, true) as Node | undefined;
    if (node === undefined) return false;
    if (!yaml().isMap(node)) {
      this.fail(path, 'must be a mapping');
      return false;
    }
    return true;
  }

  /** Keys of the mapping at `path` that are not in `allowed`, each reported as unknown. */
  rejectUnknownKeys(path: Path, allowed: readonly string[]): void {
    const node = this.doc.getIn(path, true) as Node | undefined;
    if (!yaml().isMap(node)) return;
    for (const pair of node.items) {
      const key = yaml().isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      if (!allowed.includes(key)) {
        this.fail([...path, key], `is not a known key (expected one of: ${allowed.join(', ')})`);
      }
    }
  }
}
