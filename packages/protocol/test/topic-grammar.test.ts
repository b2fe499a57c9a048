import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildTopic, parseTopic, type Topic } from '../src/index.ts';

const seed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31));

const VALID: Array<[string, Topic]> = [
  ['supplier:s1', { kind: 'supplier', supplierId: 's1' }],
  ['supplier:s1:team', { kind: 'supplier_team', supplierId: 's1' }],
  ['supplier:s1:clients', { kind: 'supplier_clients', supplierId: 's1' }],
  ['supplier:s1:forms', { kind: 'supplier_forms', supplierId: 's1' }],
  ['supplier:s1:journeys', { kind: 'supplier_journeys', supplierId: 's1' }],
  ['couple:c1', { kind: 'couple', coupleId: 'c1' }],
  ['couple:c1:suppliers', { kind: 'couple_suppliers', coupleId: 'c1' }],
  ['couple:c1:tasks', { kind: 'couple_tasks', coupleId: 'c1' }],
  ['couple:c1:timeline', { kind: 'couple_timeline', coupleId: 'c1' }],
  ['wedding:w-1', { kind: 'wedding', weddingId: 'w-1' }],
  ['form:f_1', { kind: 'form', formId: 'f_1' }],
  ['journey:j1:c1', { kind: 'journey', journeyId: 'j1', clientId: 'c1' }],
];

describe('R2.1 topic grammar', () => {
  it.each(VALID)('parses and rebuilds %s', (raw, topic) => {
    expect(parseTopic(raw)).toEqual({ ok: true, value: topic });
    expect(buildTopic(topic)).toBe(raw);
  });

  it('accepts the realtime: prefix that @supabase/realtime-js adds', () => {
    expect(parseTopic('realtime:wedding:w1')).toEqual({ ok: true, value: { kind: 'wedding', weddingId: 'w1' } });
  });

  it.each([
    ['', 'empty'],
    ['wedding', 'needs an id'],
    ['wedding:', 'needs an id'],
    ['wedding:w1:extra', 'too many segments'],
    ['supplier:s1:secrets', 'unknown supplier topic'],
    ['couple:c1:money', 'unknown couple topic'],
    ['journey:j1', 'must be journey'],
    ['planet:p1', 'unknown topic kind'],
    ['wedding:bad id', 'needs an id'],
    [`wedding:${'x'.repeat(65)}`, 'needs an id'],
  ])('refuses %j with TOPIC_INVALID and a message naming the problem', (raw, fragment) => {
    const result = parseTopic(raw);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.code).toBe('TOPIC_INVALID');
      expect(result.message).toContain(fragment);
    }
  });

  it('buildTopic refuses ids outside the grammar', () => {
    expect(() => buildTopic({ kind: 'wedding', weddingId: 'a:b' })).toThrow(RangeError);
  });

  it('never throws on arbitrary input (property)', () => {
    console.log(`topic-grammar seed: ${seed} (rerun with FC_SEED=${seed})`);
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (raw) => void parseTopic(raw)),
      { seed, numRuns: 2000 },
    );
  });
});
