/** Wire protocol version of our sync events; a change to any schema in this package bumps it. */
export const PROTOCOL_VERSION = 1;

export * from './analytics-messages.ts';
export * from './binary-frame.ts';
export * from './calendar-messages.ts';
export * from './compressed-value.ts';
export * from './error-codes.ts';
export * from './events.ts';
export * from './frame.ts';
export * from './join-payload.ts';
export * from './live-messages.ts';
export * from './long-poll.ts';
export * from './notification-messages.ts';
export * from './search-messages.ts';
export * from './sync-messages.ts';
export * from './topic.ts';
