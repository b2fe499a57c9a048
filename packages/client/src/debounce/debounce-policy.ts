/**
 * How long an input waits before its value is sent (R12.1). Values are milliseconds after the last
 * change of that input; 0 sends at once.
 */
export const INPUT_KINDS = ['text', 'number', 'slider', 'checkbox', 'radio', 'select'] as const;
export type InputKind = (typeof INPUT_KINDS)[number];

export const DEBOUNCE_DELAY_MS: Readonly<Record<InputKind, number>> = {
  /** Text: 500 ms after typing stops. */
  text: 500,
  /** Number fields and sliders: 200 ms. */
  number: 200,
  slider: 200,
  /** Discrete choices: immediately. */
  checkbox: 0,
  radio: 0,
  select: 0,
};

/** Batching intervals (R12.1): saves of a form are sent together at most every 2 s, analytics every 10 s. */
export const BATCH_INTERVAL_MS = {
  formSave: 2_000,
  analytics: 10_000,
} as const;

export type DebouncePolicy = Readonly<Record<InputKind, number>>;
