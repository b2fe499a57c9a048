import { FieldDebouncer, type InputKind, type RecordView } from '@wedsync/client';
import { type LockTracker, useFieldLock } from '@wedsync/react';
import { LastUpdated, LiveField, type LiveFieldType } from '@wedsync/react-ui';
import { weddingSchemas } from '@wedsync/wedding';
import { useEffect, useState } from 'react';
import type { FieldChangeMark } from '../data/use-remote-field-changes.ts';
import { CORE_FIELD_LABELS } from './core-field-labels.ts';

const WEDDING_FIELDS = weddingSchemas.find((schema) => schema.name === 'weddings')?.fields ?? {};

interface FieldSpec {
  field: string;
  label: string;
  type: LiveFieldType;
  /** R12.1 debounce class: text 500 ms, number 200 ms, pickers at once. */
  kind: InputKind;
  read: (wedding: RecordView) => string;
  write: (wedding: RecordView, text: string) => unknown;
}

const contactOf = (wedding: RecordView) => (wedding.fields.contact ?? {}) as { email?: string; phone?: string };

const SPECS: readonly FieldSpec[] = [
  {
    field: 'date',
    label: 'Wedding date',
    type: 'date',
    kind: 'select',
    read: (w) => String(w.fields.date ?? ''),
    write: (_w, text) => text,
  },
  {
    field: 'venue',
    label: 'Venue',
    type: 'text',
    kind: 'text',
    read: (w) => String(w.fields.venue ?? ''),
    write: (_w, text) => text,
  },
  {
    field: 'guestCount',
    label: 'Guest count',
    type: 'number',
    kind: 'number',
    read: (w) => (w.fields.guestCount == null ? '' : String(w.fields.guestCount)),
    write: (_w, text) => (text.trim() === '' ? null : Math.max(0, Math.round(Number(text)))),
  },
  {
    field: 'contact',
    label: 'Contact email',
    type: 'email',
    kind: 'text',
    read: (w) => contactOf(w).email ?? '',
    write: (w, text) => ({ ...contactOf(w), email: text }),
  },
];

export interface CoreFieldsPanelProps {
  wedding: RecordView;
  /** Couples edit their core fields; suppliers see them live (R3.1). */
  editable: boolean;
  locks: LockTracker | null;
  marks: Readonly<Record<string, FieldChangeMark>>;
  onSet: (field: string, value: unknown) => void;
}

/** The wedding's core fields (R3.1–R3.3, R4.1, R12.1), editable or live read-only. */
export function CoreFieldsPanel({ wedding, editable, locks, marks, onSet }: CoreFieldsPanelProps) {
  // Made in an effect (not useMemo) so StrictMode's remount gets a fresh one; leaving commits what is pending.
  const [debouncer, setDebouncer] = useState<FieldDebouncer | null>(null);
  useEffect(() => {
    const created = new FieldDebouncer({ unloadTarget: window, visibility: document });
    setDebouncer(created);
    return () => {
      created.flushAll();
      created.close();
    };
  }, []);
  const latest = Object.values(marks).reduce<FieldChangeMark | null>(
    (best, mark) => (!best || mark.atMs > best.atMs ? mark : best),
    null,
  );
  const timeline = Array.isArray(wedding.fields.timeline)
    ? (wedding.fields.timeline as { id: string; v: { time?: string; title?: string } }[])
    : [];

  return (
    <section className="core-fields" aria-label="Wedding details">
      <div className="fields-grid">
        {SPECS.map((spec) => (
          <CoreField
            key={spec.label}
            spec={spec}
            wedding={wedding}
            editable={editable}
            locks={locks}
            mark={marks[spec.field]}
            onEdit={(text) =>
              debouncer?.input(`${wedding.id}.${spec.label}`, spec.kind, text, (value) =>
                onSet(spec.field, spec.write(wedding, value)),
              )
            }
            onBlur={() => debouncer?.flush(`${wedding.id}.${spec.label}`)}
          />
        ))}
      </div>
      <div className="core-fields__timeline">
        <h3 className="ws-section-title">{CORE_FIELD_LABELS.timeline}</h3>
        <ol className="timeline-list">
          {timeline.map((item) => (
            <li key={item.id}>
              <time>{item.v?.time}</time> {item.v?.title}
            </li>
          ))}
        </ol>
      </div>
      <LastUpdated atMs={latest?.atMs ?? null} byName={latest?.byName ?? null} />
    </section>
  );
}

function CoreField(props: {
  spec: FieldSpec;
  wedding: RecordView;
  editable: boolean;
  locks: LockTracker | null;
  mark: FieldChangeMark | undefined;
  onEdit: (text: string) => void;
  onBlur: () => void;
}) {
  const { spec, wedding } = props;
  const fieldId = WEDDING_FIELDS[spec.field]?.id;
  const lock = useFieldLock(
    props.editable ? props.locks : null,
    fieldId === undefined ? null : { c: 'weddings', id: wedding.id, f: fieldId },
  );
  return (
    <LiveField
      label={spec.label}
      type={spec.type}
      value={spec.read(wedding)}
      remoteChangeKey={props.mark?.count ?? 0}
      remoteChangedBy={props.mark?.byName ?? null}
      lockedBy={lock.lockedBy ? lock.lockedBy.holder.name : null}
      pending={wedding.pendingFields.includes(spec.field)}
      disabled={!props.editable}
      onFocus={lock.onFocus}
      onBlur={() => {
        props.onBlur();
        lock.onBlur();
      }}
      onEdit={(text) => {
        lock.onInput();
        props.onEdit(text);
      }}
    />
  );
}
