/** Bounds a reason kept in a log line or an envelope: an SDK message can quote a whole response. */
const MAX_REASON = 500;

/**
 * An error in words for a log line, an envelope or a command's message: its name when that says more than "Error"
 * (ThrottlingException, DeadlineExceeded; `withName: false` for an operator's message), its message, and its cause's
 * (fetch's "fetch failed" hides the network error).
 */
export function reasonOf(error: unknown, { withName = true }: { withName?: boolean } = {}): string {
  if (!(error instanceof Error)) return String(error).slice(0, MAX_REASON);
  const name = !withName || error.name === 'Error' ? '' : `${error.name}: `;
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${name}${error.message}${cause}`.slice(0, MAX_REASON);
}
