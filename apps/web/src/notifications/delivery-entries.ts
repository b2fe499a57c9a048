/** One outbox job as `GET /api/notifications/outbox` returns it (packages/notifications OutboxJob + attempts). */
export interface OutboxJobJson {
  id: number;
  notificationId: string;
  channel: 'inapp' | 'email' | 'sms' | 'push';
  target: string;
  message: unknown;
  status: 'pending' | 'claimed' | 'sending' | 'sent' | 'failed';
  attempts: number;
  nextAttemptAtMs: number;
  lastError?: string;
  deliveredVia?: string;
  createdAtMs: number;
  sentAtMs?: number;
  attemptLog?: { attempt: number; outcome?: string; error?: string }[];
}

/** A row of the delivery log page. */
export interface DeliveryEntry {
  key: string;
  channel: string;
  to: string;
  /** What the person gets (email subject, SMS text, push or in-app title). */
  summary: string;
  /** Full text where the channel has one (email text body, SMS body). */
  detail?: string;
  status: string;
  /** True when no provider is configured and the message was only recorded (DESIGN §5). */
  recorded: boolean;
  attempts: number;
  atMs: number;
}

const CHANNEL_LABEL: Record<OutboxJobJson['channel'], string> = {
  inapp: 'In app',
  email: 'Email',
  sms: 'SMS',
  push: 'Push',
};

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

/**
 * The delivery log (R5.4, issue 7 item 4): each job of the outbox with what it carried and how it
 * left. With nothing configured, email and SMS are `recorded` — shown as what would have been sent.
 */
export function deliveryEntryOf(job: OutboxJobJson): DeliveryEntry {
  const message = (job.message ?? {}) as Record<string, unknown>;
  const notification = (message.notification ?? message.payload ?? {}) as Record<string, unknown>;
  const recorded = job.deliveredVia === 'recorded';
  let summary: string;
  let detail: string | undefined;
  if (job.channel === 'email') {
    summary = text(message.subject) ?? '';
    detail = text(message.text);
  } else if (job.channel === 'sms') {
    summary = text(message.body) ?? '';
    detail = summary;
  } else {
    summary = text(notification.title) ?? '';
    detail = text(notification.body);
  }
  const status =
    job.status === 'sent'
      ? recorded
        ? 'Recorded — not sent, no provider configured'
        : `Sent${job.deliveredVia ? ` via ${job.deliveredVia}` : ''}`
      : job.status === 'failed'
        ? `Failed${job.lastError ? `: ${job.lastError}` : ''}`
        : job.attempts > 0 && job.lastError
          ? `Retrying (${job.lastError})`
          : 'Waiting';
  return {
    key: `${job.id}`,
    channel: CHANNEL_LABEL[job.channel] ?? job.channel,
    to: job.channel === 'inapp' ? 'Bell and toasts' : job.channel === 'push' ? 'Subscribed device' : job.target,
    summary,
    ...(detail !== undefined ? { detail } : {}),
    status,
    recorded,
    attempts: job.attempts,
    atMs: job.sentAtMs ?? job.createdAtMs,
  };
}
