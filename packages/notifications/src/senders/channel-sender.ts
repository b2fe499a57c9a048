import type { JobChannel } from '../notification-intent.ts';
import type { OutboxJob } from '../outbox/outbox-job.ts';

export type SendResult =
  | { ok: true; providerRef?: string }
  /** `retryable`: try again later with backoff; `gone`: the target no longer exists (push 404/410). */
  | { ok: false; retryable: boolean; error: string; gone?: boolean };

/**
 * Delivers outbox jobs of one channel (R5.4). `send` must give up (reject or return a retryable
 * failure) well within the worker's lease, so a live worker never loses a job mid-send.
 */
export interface ChannelSender {
  readonly channel: JobChannel;
  /** Shown in the outbox as how a job left: `smtp`, `sms-http`, `web-push`, `recorded`, `inapp`. */
  readonly via: string;
  /**
   * Whether sending a job twice reaches the person once (the provider dedupes by the job's
   * idempotency key). When false, a worker crash between the send and its record can duplicate;
   * the attempt log then shows the `interrupted` attempt before the resend.
   */
  readonly idempotent: boolean;
  send(job: OutboxJob): Promise<SendResult>;
}
