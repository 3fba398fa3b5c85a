export { readArchiveSummary, type ArchiveSummary } from './archive-summary.js';
export { MAIL_MAX_ATTEMPTS, mailRetryDelayMs } from './mail-backoff.js';
export { completedMail, failedMail, type MailContent } from './mail-content.js';
export { EMAIL_LINK_SECRET, emailLinkPath, signEmailLink, verifyEmailLink } from './mail-link.js';
export { mailFailureReason, scrub } from './mail-failure.js';
export { MailSender, type MailContext, type MailSenderOptions } from './mail-sender.js';
export { isPermanentSmtpError, smtpTransport, type MailTransport } from './mail-transport.js';
export { MAX_ADDRESS_LENGTH, notifyEmailProblem } from './notify-email.js';
