export { buildApp, type AppOptions } from './app.js';
export type { ApiContext } from './api-context.js';
