/**
 * A request the recorder answers with a 4xx (or, when nothing could keep the record, a 5xx): the status, a
 * plain-words message, the details naming what failed, and any headers the answer needs (WWW-Authenticate).
 * `expose` follows middy's HttpError, so middy's own errors and ours are answered the same way.
 */
export class RequestRejected extends Error {
  readonly expose = true;
  constructor(
    readonly statusCode: number,
    message: string,
    readonly details: readonly string[] = [],
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'RequestRejected';
  }
}
