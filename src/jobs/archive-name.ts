/** `<tenant>-<purpose>-<yyyymmdd>-<id>.zip`, the archive's name (SPEC §5). */
export function archiveFileName(
  tenant: string,
  purpose: string,
  createdAt: string,
  id: string,
): string {
  return `${tenant}-${purpose}-${createdAt.slice(0, 10).replaceAll('-', '')}-${id}.zip`;
}

/** Where a tenant's archive is kept in the object store. */
export function archiveStorageKey(tenant: string, fileName: string): string {
  return `exports/${tenant}/${fileName}`;
}
