import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLOSE_CODES, ERROR_CODES, EVENTS } from '../src/index.ts';

// Keeps docs/protocol.md true (DEVELOPERS: docs stay true): every code and event in the protocol
// package must be documented.
const doc = readFileSync(new URL('../../../docs/protocol.md', import.meta.url), 'utf8');

describe('docs/protocol.md documents the protocol package (DESIGN §4)', () => {
  it.each(Object.keys(ERROR_CODES))('documents error code %s', (code) => expect(doc).toContain(`\`${code}\``));
  it.each(Object.values(EVENTS))('documents event %s', (event) => expect(doc).toContain(`\`${event}\``));
  it.each(Object.entries(CLOSE_CODES))('documents close code %s', (name, { code }) =>
    expect(doc).toContain(`| ${code} | \`${name}\``),
  );
});
