import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
}

/**
 * A real SMTP server on loopback (smtp-server): accepts mail without auth or TLS and keeps every
 * accepted message. `decide` may refuse a message with an SMTP code (e.g. 451) instead of accepting it.
 */
export async function startSmtpServer(
  options: {
    decide?: (raw: string, index: number) => number | undefined;
    /**
     * Called instead of answering message `index` when it returns true: the message is held unanswered
     * (not accepted) until `release` is called, which refuses it with 451 (e.g. after killing the sender).
     */
    hold?: (raw: string, index: number, release: () => void) => boolean;
  } = {},
): Promise<{ url: string; received: ReceivedMail[]; waitFor(count: number): Promise<void>; close(): Promise<void> }> {
  const received: ReceivedMail[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  let offered = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (error?: Error | null) => void) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const index = offered++;
        const release = () => {
          const error = new Error('Held, then refused') as Error & { responseCode: number };
          error.responseCode = 451;
          callback(error);
        };
        if (options.hold?.(raw, index, release)) return;
        const refusal = options.decide?.(raw, index);
        if (refusal !== undefined) {
          const error = new Error('Try again later') as Error & { responseCode: number };
          error.responseCode = refusal;
          callback(error);
          return;
        }
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          raw,
        });
        callback();
        for (const waiter of [...waiters]) {
          if (received.length >= waiter.count) {
            waiters.splice(waiters.indexOf(waiter), 1);
            waiter.resolve();
          }
        }
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    waitFor: (count) =>
      received.length >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ count, resolve })),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
