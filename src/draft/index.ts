export { draftCatalog, DraftError, type CatalogDraft, type DraftInput } from './draft-catalog.js';
export { looksLikeCredential } from './credential-names.js';
export { draftType } from './type-mapping.js';
