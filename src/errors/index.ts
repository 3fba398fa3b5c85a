export { ERROR_CODES, type ErrorCode, type FieldError } from './error-codes.js';
export { PortageError, toError } from './portage-error.js';
export { INTERNAL_FAILURE_MESSAGE, publicMessage, withoutCredentials } from './public-message.js';
