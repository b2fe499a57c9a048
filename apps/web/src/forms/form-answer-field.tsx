import type { FieldDebouncer, InputKind } from '@wedsync/client';
import { type LockTarget, type LockTracker, type Typing, useFieldLock, useRecordStore } from '@wedsync/react';
import { FieldGlow, LiveField, type LiveFieldType, LockedField } from '@wedsync/react-ui';
import { fieldIdOf } from '@wedsync/wedding';
import { useEffect, useId, useRef, useState } from 'react';
import { CollaborativeTextArea } from '../notes/collaborative-text-area.tsx';
import { type AnswerTarget, writeAnswerText, writeAnswerValue } from './answer-writes.ts';
import { answerRecordId, type FormFieldSpec, fieldKey, shownValue, valueText } from './form-model.ts';
import type { AnswerMark } from './use-answer-marks.ts';
import type { AssignmentData } from './use-assignment-data.ts';

export interface FormAnswerFieldProps {
  spec: FormFieldSpec;
  data: AssignmentData;
  assignmentId: string;
  me: { id: string; name: string };
  /** The couple fills; the supplier watches it live (read-only, R3.4). */
  editable: boolean;
  locks: LockTracker | null;
  typing: Typing;
  mark: AnswerMark | undefined;
  debouncer: FieldDebouncer | null;
  /** After each save (progress, "currently filling"). */
  onSaved: () => void;
}

const VALUE_FIELD = fieldIdOf('form_answers', 'value');
const INPUT_TYPES: Record<FormFieldSpec['type'], { type: LiveFieldType; kind: InputKind }> = {
  short: { type: 'text', kind: 'text' },
  long: { type: 'textarea', kind: 'text' },
  number: { type: 'number', kind: 'number' },
  date: { type: 'date', kind: 'select' },
  choice: { type: 'text', kind: 'select' },
};

/**
 * One field of a form (R3.4, R4.1, R4.2): short answers are locked while someone edits them (others
 * see them read-only with the holder's name) and warn before overwriting a value changed meanwhile;
 * long answers merge by OT with everyone's caret shown; a field bound to a core field shows and edits
 * the wedding's live value (R3.1). "Jane is typing…" and "Updated by …" marks are shown to everyone.
 */
export function FormAnswerField(props: FormAnswerFieldProps) {
  const { spec, data, assignmentId } = props;
  const store = useRecordStore();
  const key = fieldKey(assignmentId, spec.id);
  const answer = data.answers.get(spec.id);
  const target: AnswerTarget | null = data.weddingId
    ? { assignmentId, weddingId: data.weddingId, formFieldId: spec.id }
    : null;
  const label = `${spec.label}${spec.required ? ' (required)' : ''}`;
  const markText = props.mark ? `Updated by ${props.mark.byName}` : undefined;
  const typingNames = props.typing.namesIn(key);

  if (spec.type === 'long' && !spec.boundTo) {
    const id = answerRecordId(assignmentId, spec.id);
    return (
      <FieldGlow changeKey={props.mark?.count ?? 0} mark={markText}>
        <CollaborativeTextArea
          key={id}
          label={label}
          c="form_answers"
          id={id}
          field="longText"
          commit={(text) => {
            if (!target) return;
            writeAnswerText(store, target, text);
            props.onSaved();
          }}
          channel={data.channel}
          doc={`form_answers/${id}/longText`}
          me={props.me}
          disabled={!props.editable}
          typingNames={typingNames}
          onTyped={() => props.typing.typed(key)}
          onBlur={() => props.typing.stopped(key)}
        />
      </FieldGlow>
    );
  }
  if (spec.boundTo === 'timeline') {
    return (
      <FieldGlow changeKey={props.mark?.count ?? 0} mark={markText}>
        <LiveField
          label={`${label} — from the wedding timeline`}
          type="textarea"
          value={valueText(data.wedding?.fields.timeline)}
          remoteChangeKey={props.mark?.count ?? 0}
          disabled
          onEdit={() => {}}
        />
      </FieldGlow>
    );
  }
  return <LockedAnswerField {...props} label={label} target={target} answerVersion={answer?.v ?? 0} />;
}

function LockedAnswerField(
  props: FormAnswerFieldProps & { label: string; target: AnswerTarget | null; answerVersion: number },
) {
  const { spec, data, assignmentId, target } = props;
  const store = useRecordStore();
  const key = fieldKey(assignmentId, spec.id);
  const bound = spec.boundTo;
  const lockTarget: LockTarget | null = bound
    ? data.weddingId
      ? { c: 'weddings', id: data.weddingId, f: fieldIdOf('weddings', bound) }
      : null
    : { c: 'form_answers', id: answerRecordId(assignmentId, spec.id), f: VALUE_FIELD };
  // A lock is taken on a record the server knows: a field answered for the first time is locked
  // once its answer is confirmed.
  const exists = bound ? (data.wedding?.v ?? 0) > 0 : props.answerVersion > 0;
  const lock = useFieldLock(props.locks, exists ? lockTarget : null);
  const [focused, setFocused] = useState(false);
  const takeLock = useRef(lock.onFocus);
  takeLock.current = lock.onFocus;
  useEffect(() => {
    if (focused && exists && props.editable) takeLock.current();
  }, [focused, exists, props.editable]);

  // An answer created here and not yet confirmed: a second save waits for the confirmation (sent now,
  // it could reach the server before the record and be refused).
  const waiting = useRef<{ value: unknown } | null>(null);
  const writeAnswer = (value: unknown) => {
    if (!target) return;
    const answer = store.record('form_answers', answerRecordId(assignmentId, spec.id));
    if (answer && answer.v === 0) waiting.current = { value };
    else writeAnswerValue(store, target, value);
  };
  const writeLatest = useRef(writeAnswer);
  writeLatest.current = writeAnswer;
  useEffect(() => {
    const held = waiting.current;
    if (!held || props.answerVersion === 0) return;
    waiting.current = null;
    writeLatest.current(held.value);
  }, [props.answerVersion]);

  const value = shownValue(spec, data.answers.get(spec.id), data.wedding);
  const text = value === null || value === undefined ? '' : String(value);
  const save = (raw: string) => {
    if (!target) return;
    const parsed = spec.type === 'number' ? (raw.trim() === '' ? null : Math.max(0, Math.round(Number(raw)))) : raw;
    if (bound && data.weddingId)
      store.set('weddings', data.weddingId, bound, parsed, { topic: `wedding:${data.weddingId}` });
    writeAnswer(parsed);
    props.onSaved();
  };
  const lockedBy = lock.lockedBy ? lock.lockedBy.holder.name : null;
  const onFocus = () => setFocused(true);
  const onBlur = () => {
    setFocused(false);
    props.debouncer?.flush(key);
    props.typing.stopped(key);
    lock.onBlur();
  };

  if (spec.type === 'choice') {
    return (
      <FieldGlow changeKey={props.mark?.count ?? 0} mark={props.mark ? `Updated by ${props.mark.byName}` : undefined}>
        <ChoiceField
          label={props.label}
          value={text}
          options={spec.options ?? []}
          lockedBy={lockedBy}
          disabled={!props.editable}
          onFocus={onFocus}
          onBlur={onBlur}
          onChange={(next) => {
            lock.onInput();
            save(next);
          }}
        />
      </FieldGlow>
    );
  }
  const input = INPUT_TYPES[spec.type];
  return (
    <LiveField
      label={props.label}
      type={input.type}
      value={text}
      remoteChangeKey={props.mark?.count ?? 0}
      remoteChangedBy={props.mark?.byName ?? null}
      lockedBy={lockedBy}
      typingNames={props.typing.namesIn(key)}
      pending={bound ? (data.wedding?.pendingFields.includes(bound) ?? false) : false}
      disabled={!props.editable}
      onFocus={onFocus}
      onBlur={onBlur}
      onEdit={(next) => {
        lock.onInput();
        props.typing.typed(key);
        props.debouncer?.input(key, input.kind, next, save);
      }}
    />
  );
}

function ChoiceField(props: {
  label: string;
  value: string;
  options: readonly string[];
  lockedBy: string | null;
  disabled: boolean;
  onFocus: () => void;
  onBlur: () => void;
  onChange: (value: string) => void;
}) {
  const id = useId();
  if (props.lockedBy) return <LockedField label={props.label} value={props.value} holderName={props.lockedBy} />;
  return (
    <div className="ws-field">
      <label htmlFor={id} className="ws-field__label">
        {props.label}
      </label>
      <select
        id={id}
        className="ws-input"
        value={props.value}
        disabled={props.disabled}
        onFocus={props.onFocus}
        onBlur={props.onBlur}
        onChange={(event) => props.onChange(event.target.value)}
      >
        <option value="">Choose…</option>
        {props.options.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    </div>
  );
}
