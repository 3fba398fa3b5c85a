export { isInFolder, keyInFolder, tenantFolder } from './folder-keys.js';
export { TenantFiles, type UnreadReason } from './tenant-files.js';
