// Typed HTTP errors and the one place that turns any failure into a JSON error body. Handlers throw
// HttpError; Fastify's own errors (validation, body limit, bad JSON) are mapped here; anything else is a
// 500 whose details go to the log, never to the client.

import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorBody } from './route.ts';

export class HttpError extends Error {
  override readonly name = 'HttpError';
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;

  constructor(status: number, code: string, message: string, options: { field?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = status;
    this.code = code;
    this.field = options.field;
  }

  toBody(): ErrorBody {
    return this.field === undefined ? { error: this.code, message: this.message } : { error: this.code, message: this.message, field: this.field };
  }
}

export const unauthorized = (message: string): HttpError => new HttpError(401, 'unauthorized', message);
export const forbidden = (message: string): HttpError => new HttpError(403, 'forbidden', message);
export const notFound = (message: string): HttpError => new HttpError(404, 'not_found', message);

/** Where Fastify found the invalid input, as our field pointer's first segment. */
const CONTEXT: Record<string, string> = { body: 'body', querystring: 'query', params: 'params', headers: 'headers' };

interface AjvIssue {
  readonly instancePath: string;
  readonly message?: string;
  readonly params?: Record<string, unknown>;
}

/** An AJV issue as a JSON pointer to the field: `required` and unknown properties point at the property itself. */
export function fieldOf(context: string, issue: AjvIssue): string {
  const base = `/${CONTEXT[context] ?? context}${issue.instancePath}`;
  const named = issue.params?.['missingProperty'] ?? issue.params?.['additionalProperty'];
  return typeof named === 'string' ? `${base}/${named}` : base;
}

/** Fastify's errors that carry a client mistake, mapped to our codes; anything else is ours (500). */
export function toHttpError(error: FastifyError): HttpError {
  if (error instanceof HttpError) return error;
  if (error.validation !== undefined && error.validation.length > 0) {
    const issue = error.validation[0]!;
    const field = fieldOf(error.validationContext ?? 'body', issue);
    return new HttpError(400, 'validation', `${field} ${issue.message ?? 'is invalid'}`, { field });
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new HttpError(413, 'body_too_large', 'The request body is larger than the daemon accepts (setting http.bodyLimit)');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new HttpError(415, 'unsupported_media_type', 'Send the body as JSON with Content-Type: application/json');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new HttpError(414, 'uri_too_long', 'A path parameter is longer than any route accepts');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new HttpError(400, 'invalid_body', `The request body is not valid JSON: ${error.message}`, { field: '/body' });
    default:
      break;
  }
  // Fastify sets statusCode on the client errors it raises itself (e.g. a malformed URL); keep those as 4xx.
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    return new HttpError(error.statusCode, 'bad_request', error.message);
  }
  return new HttpError(500, 'internal', 'The daemon failed to answer this request; its log has the details');
}

export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const http = toHttpError(error);
  if (http.status >= 500) request.log.error({ err: error }, 'request failed');
  void reply.status(http.status).type('application/json; charset=utf-8').send(http.toBody());
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): void {
  const path = request.url.split('?')[0] ?? request.url;
  const http = notFound(`No route ${request.method} ${path}; the routes are listed at /api/v1/openapi.json`);
  void reply.status(404).type('application/json; charset=utf-8').send(http.toBody());
}

/** A runner for a service's calls: the errors `toHttp` knows become HTTP errors; the rest go on (a 500). */
export function mappedBy(toHttp: (error: unknown) => unknown): <T>(work: () => T | Promise<T>) => Promise<T> {
  return async (work) => {
    try {
      return await work();
    } catch (error) {
      throw toHttp(error);
    }
  };
}
