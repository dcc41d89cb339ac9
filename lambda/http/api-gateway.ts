import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** API Gateway proxy events: REST API (payload format 1.0) and HTTP API (payload format 2.0). */
export type ApiGatewayEvent = APIGatewayProxyEvent | APIGatewayProxyEventV2;
export type ApiGatewayResult = APIGatewayProxyStructuredResultV2 & { statusCode: number };

export function httpMethod(event: ApiGatewayEvent): string {
  const method = 'httpMethod' in event ? event.httpMethod : event.requestContext?.http?.method;
  return (method ?? 'POST').toUpperCase();
}

/** Header lookup in any case (middy's header normalizer lower-cases them; this also works without it). */
export function header(event: ApiGatewayEvent, name: string): string | undefined {
  const headers: Record<string, string | undefined> = event.headers ?? {};
  const wanted = name.toLowerCase();
  // API Gateway's HTTP API sends them lower-cased already.
  const exact = headers[wanted];
  if (exact !== undefined) return exact;
  for (const key in headers) {
    if (key.toLowerCase() === wanted) return headers[key];
  }
  return undefined;
}
