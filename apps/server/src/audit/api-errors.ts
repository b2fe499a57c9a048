import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

/** The API's error body (codes from the protocol's ERROR_CODES). */
export function apiError(code: string, message: string) {
  return { error: { code, message } };
}

/**
 * Route error handler for bodies Fastify refuses before our handler runs: too large → 413
 * PAYLOAD_TOO_LARGE, unparsable → 400 VALIDATION_FAILED, else 500 SERVER_ERROR.
 */
export function bodyErrorHandler(maxBytes: number) {
  return (error: FastifyError, _request: FastifyRequest, reply: FastifyReply) => {
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || error.statusCode === 413) {
      return reply.code(413).send(apiError('PAYLOAD_TOO_LARGE', `The body may be at most ${maxBytes} bytes`));
    }
    if (error.statusCode !== undefined && error.statusCode < 500) {
      return reply.code(error.statusCode).send(apiError('VALIDATION_FAILED', error.message));
    }
    return reply.code(500).send(apiError('SERVER_ERROR', 'The request failed'));
  };
}
