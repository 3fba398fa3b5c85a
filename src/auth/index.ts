export { Authenticator, type AuthDeps, type Caller } from './authenticator.js';
export { CLOCK_TOLERANCE_SECONDS, PlatformTokens, TOKEN_ALGORITHMS } from './platform-tokens.js';
export { parseDuration } from './key-duration.js';
