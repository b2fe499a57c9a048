import type { RecordView } from '@wedsync/client';
import { describe, expect, test } from 'vitest';
import { answersByField, formFieldsOf, formProgress, valueText } from '../src/forms/form-model.ts';

const view = (c: string, id: string, fields: Record<string, unknown>): RecordView => ({
  c,
  id,
  v: 1,
  topic: 'wedding:w1',
  fields,
  pendingFields: [],
});

const form = view('forms', 'f1', {
  title: 'Photography questionnaire',
  fields: [
    { id: 'q1', v: { label: 'Wedding date', type: 'date', boundTo: 'date' } },
    { id: 'q3', v: { label: 'Must-have shots', type: 'long', required: true } },
    { id: 'q4', v: { label: 'Group photo list', type: 'long' } },
    { id: 'q5', v: { label: 'Number of guests', type: 'number' } },
  ],
});

describe('live form completion', () => {
  test('R3.4 completion counts answers and bound core values; required fields still missing are listed', () => {
    const fields = formFieldsOf(form);
    const wedding = view('weddings', 'w1', { date: '2027-06-12' });
    const answers = answersByField([
      view('form_answers', 'a1.q3', { assignmentId: 'a1', formFieldId: 'q3', longText: '   ' }),
      view('form_answers', 'a1.q5', { assignmentId: 'a1', formFieldId: 'q5', value: 150 }),
    ]);
    const progress = formProgress(fields, answers, wedding);
    expect(progress).toMatchObject({ answered: 2, total: 4, percent: 50 });
    expect(progress.missingRequired.map((field) => field.id)).toEqual(['q3']);
  });

  test('R3.1 a bound field follows the wedding: without a date it is unanswered', () => {
    const progress = formProgress(formFieldsOf(form), new Map(), view('weddings', 'w1', {}));
    expect(progress).toMatchObject({ answered: 0, percent: 0 });
  });

  test('R3.4 a timeline list reads as text in a bound field', () => {
    expect(valueText([{ id: 't1', v: { time: '14:00', title: 'Ceremony' } }])).toBe('14:00 Ceremony');
  });
});
