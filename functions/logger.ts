import { Logger } from '@aws-lambda-powertools/logger';

/**
 * Structured logs (Powertools). Log codes, ids and counts — never a name, an email, a phone, a token or a
 * payload (152-FZ; DESIGN.md convention 4).
 */
export const logger = new Logger({ serviceName: 'cpd-forms' });
