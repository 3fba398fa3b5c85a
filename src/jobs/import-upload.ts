/** Where an import's uploaded archive waits in the object store until the import finishes. */
export function importUploadKey(importId: string): string {
  return `imports/${importId}.zip`;
}
