/** One email a journey module sends to a couple (R8). */
export interface JourneyEmail {
  /** `journey:{runId}:{moduleId}`: the same for every attempt, so a provider that dedupes sends once. */
  idempotencyKey: string;
  runId: string;
  moduleId: string;
  kind: 'send_email' | 'send_form' | 'reminder';
  /** The partners of the couple with an email address. */
  to: { userId: string; name: string; email: string }[];
  /** The supplier the email is from. */
  from: { supplierId: string; name: string };
  subject: string;
  text: string;
  /** A 1×1 image URL whose load records "email opened" (R8.1); absent when the app has none. */
  trackingPixelUrl?: string;
}

export type JourneySendResult =
  | { ok: true; providerRef?: string; recorded?: boolean }
  /** `retryable: false` fails the run at once (e.g. no recipient); otherwise retried with backoff. */
  | { ok: false; error: string; retryable?: boolean };

/**
 * How journey emails leave (DESIGN §5 "notification senders"): injected by the app. The
 * notifications work provides real senders (SMTP …); the default records the email in the run log.
 * `send` must settle well within the scheduler's lease (the scheduler also times it out).
 */
export interface JourneyMailer {
  send(email: JourneyEmail): Promise<JourneySendResult>;
}

/** The default mailer: sends nothing; the run log shows the email as recorded. Keeps what it got for tests and tools. */
export class RecordingJourneyMailer implements JourneyMailer {
  readonly sent: JourneyEmail[] = [];

  async send(email: JourneyEmail): Promise<JourneySendResult> {
    this.sent.push(email);
    return { ok: true, recorded: true };
  }
}
