import { EMAIL_OPEN_PATH, readEmailOpenToken, TRACKING_PIXEL_GIF } from '@wedsync/wedding';
import type { FastifyInstance } from 'fastify';
import { sendError } from './api-errors.ts';

export interface EmailOpenRecorder {
  emailOpened(runId: string, moduleId: string): Promise<'recorded' | 'already' | 'unknown'>;
}

/**
 * `GET /api/journeys/opened/{token}.gif` — the open-tracking pixel of journey emails (R8.1 "email
 * opened"). No bearer token (mail clients load it); the signed token names the run and module.
 * The first load is logged in the run (live on every channel of the run); every load answers the
 * 1×1 GIF, uncached. A forged token gets 404.
 */
export function registerJourneyRoutes(
  app: FastifyInstance,
  options: { recorder: EmailOpenRecorder; secret: string },
): void {
  app.get<{ Params: { file: string } }>(`${EMAIL_OPEN_PATH}/:file`, async (request, reply) => {
    const token = request.params.file.replace(/\.gif$/, '');
    const target = readEmailOpenToken(options.secret, token);
    if (!target) return sendError(reply, 'RECORD_NOT_FOUND', 'Unknown tracking token');
    try {
      await options.recorder.emailOpened(target.runId, target.moduleId);
    } catch (error) {
      // The pixel still loads; the open is lost only if storage is down (the mail client will not retry).
      request.log.warn({ err: error }, 'email-open not recorded');
    }
    return reply
      .code(200)
      .header('content-type', 'image/gif')
      .header('cache-control', 'no-store, max-age=0')
      .send(TRACKING_PIXEL_GIF);
  });
}
