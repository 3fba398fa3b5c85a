/** One problem found in a catalog file, located precisely enough to fix it. */
export interface CatalogIssue {
  readonly file: string;
  /** 1-based line of the offending node, or of the nearest enclosing one. */
  readonly line: number;
  /** Dotted path of the field at fault, e.g. `categories[3].source.table`. */
  readonly field: string;
  readonly message: string;
}

/** A catalog that cannot be loaded; lists every issue found, not only the first. */
export class CatalogError extends Error {
  override readonly name = 'CatalogError';

  constructor(readonly issues: readonly CatalogIssue[]) {
    super(issues.map(formatIssue).join('\n'));
  }
}

/** Renders an issue as `file:line: field: message`, the form editors and CI logs link. */
export function formatIssue(issue: CatalogIssue): string {
  return `${issue.file}:${issue.line}: ${issue.field}: ${issue.message}`;
}
