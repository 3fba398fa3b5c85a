export { csrfProblem, csrfToken, CSRF_HEADER, type CsrfHeaders } from './csrf.js';
export { message, PORTAL_MESSAGES, type PortalMessageKey } from './messages.js';
export {
  ASSET_PATHS,
  renderContinuePage,
  renderErrorPage,
  renderPortalPage,
  type PortalPageInput,
} from './portal-page.js';
export { checkReturnUrl, isLocalBase } from './return-url.js';
export { PORTAL_CSP, PORTAL_HEADERS } from './security-headers.js';
export {
  clearedCookie,
  readSessionCookie,
  sessionCookie,
  SESSION_COOKIE,
} from './session-cookie.js';
export { portalAsset } from './assets.js';
