import type { OutboxJob } from '../outbox/outbox-job.ts';
import type { SmsMessage } from '../render/message-render.ts';
import type { ChannelSender, SendResult } from './channel-sender.ts';

export interface SmsSenderOptions {
  /**
   * The provider's create-message endpoint, e.g.
   * `https://api.twilio.com/2010-04-01/Accounts/{AccountSid}/Messages.json`; `{AccountSid}` is replaced.
   */
  apiUrl: string;
  accountSid: string;
  authToken: string;
  /** Sender number or id (`From`). */
  from: string;
  /** Request timeout; default 15 000 ms. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/**
 * SMS through a Twilio-compatible HTTP API (R5.4): `POST` form body `To`, `From`, `Body`, HTTP basic
 * auth `accountSid:authToken`, and the job's idempotency key as `Idempotency-Key` (and Twilio's
 * `I-Twilio-Idempotency-Token`), so a resend after a crash is deduped by the provider: idempotent.
 * 2xx: sent (the response's `sid` is kept); 429, 5xx and network errors: retried; other 4xx: failed.
 */
export function createSmsSender(options: SmsSenderOptions): ChannelSender {
  const url = options.apiUrl.replace('{AccountSid}', encodeURIComponent(options.accountSid));
  const authorization = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64')}`;
  const doFetch = options.fetch ?? fetch;
  return {
    channel: 'sms',
    via: 'sms-http',
    idempotent: true,
    async send(job: OutboxJob): Promise<SendResult> {
      const message = job.message as SmsMessage;
      let response: Response;
      try {
        response = await doFetch(url, {
          method: 'POST',
          headers: {
            authorization,
            'content-type': 'application/x-www-form-urlencoded',
            accept: 'application/json',
            'idempotency-key': job.idempotencyKey,
            'i-twilio-idempotency-token': job.idempotencyKey,
          },
          body: new URLSearchParams({ To: message.to, From: options.from, Body: message.body }).toString(),
          signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
        });
      } catch (error) {
        return { ok: false, retryable: true, error: error instanceof Error ? error.message : String(error) };
      }
      const text = await response.text().catch(() => '');
      if (response.ok) return { ok: true, providerRef: providerSid(text) ?? `http-${response.status}` };
      const error = `SMS API answered ${response.status}: ${text.slice(0, 300)}`;
      return { ok: false, retryable: response.status === 429 || response.status >= 500, error };
    },
  };
}

function providerSid(body: string): string | undefined {
  try {
    const sid = (JSON.parse(body) as { sid?: unknown }).sid;
    return typeof sid === 'string' ? sid : undefined;
  } catch {
    return undefined;
  }
}
