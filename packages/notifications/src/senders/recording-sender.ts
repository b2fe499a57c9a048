import type { JobChannel } from '../notification-intent.ts';
import type { OutboxJob } from '../outbox/outbox-job.ts';
import type { ChannelSender, SendResult } from './channel-sender.ts';

/**
 * The embedded default for a channel with no provider configured (DESIGN §5): the job goes through
 * the outbox like any other and is marked sent `via: 'recorded'`; its rendered message stays in the
 * outbox, so what would have been sent is visible (`GET /api/notifications/outbox`).
 */
export function createRecordingSender(channel: JobChannel): ChannelSender {
  return {
    channel,
    via: 'recorded',
    idempotent: true,
    async send(job: OutboxJob): Promise<SendResult> {
      return { ok: true, providerRef: `recorded:${job.idempotencyKey}` };
    },
  };
}
