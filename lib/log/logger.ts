import { Logger } from '@aws-lambda-powertools/logger';

/** One structured (JSON) logger per container. Level from POWERTOOLS_LOG_LEVEL / LOG_LEVEL (default INFO). */
export const logger = new Logger({ serviceName: 'bandwidth-disconnect-recorder' });

/**
 * Phone numbers never reach the logs whole: `+15552222222` → `+1555***2222`, also inside SIP URIs.
 * Names such as `Anonymous` carry no number and stay as they are.
 */
export function maskPhoneNumber(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  return value.replace(/\+?\d{7,}/g, (digits) => `${digits.slice(0, digits.startsWith('+') ? 5 : 4)}***${digits.slice(-4)}`);
}
