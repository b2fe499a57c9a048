import { useQuery, useRecordStore } from '@wedsync/react';
import { CalendarWeek, formatClockTime, LiveSectionOverlay, startOfWeekMs } from '@wedsync/react-ui';
import { useCallback, useMemo, useState } from 'react';
import { useToast } from '../app/toast-context.tsx';
import { useSyncOverview } from '../layout/use-sync-overview.ts';
import { attendeesOf, doubleBookingNotices, meetingEvents } from './calendar-events.ts';
import { MeetingDetails } from './meeting-details.tsx';
import { localDateText, MeetingForm, type NewMeeting } from './meeting-form.tsx';
import { recordTopic } from './record-topic.ts';
import { useSupplierScope } from './supplier-context.tsx';
import { useBoundWeddings } from './use-bound-topics.ts';
import { useCalendarLive } from './use-calendar-live.ts';
import { useLiveRecords } from './use-live-records.ts';

const WEEK_MS = 7 * 86_400_000;

function newMeetingId(): string {
  return `mt-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * The team calendar (R9): a week of meetings from the record store — booked, rescheduled (drag, Alt+
 * arrows or the form) and cancelled live for everyone; others' drags show as a moving ghost; status
 * colours; double bookings warned at once (from the records here and the server's per-attendee check).
 */
export function CalendarPage() {
  const scope = useSupplierScope();
  const store = useRecordStore();
  const toast = useToast();
  const sync = useSyncOverview();
  const meetings = useLiveRecords('meetings');
  const weddings = useQuery('weddings');
  const live = useCalendarLive();
  const [weekStartMs, setWeekStartMs] = useState(() => startOfWeekMs(Date.now()));
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const weddingIds = useMemo(() => weddings.map((wedding) => wedding.id), [weddings]);
  useBoundWeddings(weddingIds, scope.user.id);
  const readOnly = scope.people.find((person) => person.id === scope.user.id)?.role === 'viewer';

  const clientName = useCallback(
    (weddingId: string) => {
      const wedding = weddings.find((candidate) => candidate.id === weddingId);
      return wedding ? String(wedding.fields.title ?? weddingId) : undefined;
    },
    [weddings],
  );
  const events = useMemo(
    () =>
      meetingEvents(meetings, clientName, scope.fullNameOf).map((event) => {
        const remoteDrag = live.drags.get(event.id);
        return remoteDrag ? { ...event, remoteDrag } : event;
      }),
    [meetings, clientName, scope.fullNameOf, live.drags],
  );
  const notices = useMemo(() => {
    const inWeek = new Set(
      events.filter((event) => event.startMs < weekStartMs + WEEK_MS && event.endMs > weekStartMs).map((e) => e.id),
    );
    return doubleBookingNotices(meetings, live.conflicts, scope.fullNameOf, formatClockTime).filter((notice) =>
      notice.eventIds.some((id) => inWeek.has(id)),
    );
  }, [events, meetings, live.conflicts, scope.fullNameOf, weekStartMs]);

  const topicOf = (fields: Record<string, unknown>) => recordTopic(fields, scope.primaryTopic);
  const write = (run: () => void) => {
    try {
      run();
    } catch (error) {
      toast({ tone: 'error', message: `Not saved: ${(error as Error).message}` });
    }
  };
  const move = (meetingId: string, startMs: number, endMs: number) =>
    write(() => {
      const meeting = store.record('meetings', meetingId);
      if (!meeting) return;
      const topic = topicOf(meeting.fields);
      store.set('meetings', meetingId, 'startAtMs', startMs, { topic });
      store.set('meetings', meetingId, 'endAtMs', endMs, { topic });
    });
  const setStatus = (meetingId: string, status: 'scheduled' | 'cancelled') =>
    write(() => {
      const meeting = store.record('meetings', meetingId);
      if (meeting) store.set('meetings', meetingId, 'status', status, { topic: topicOf(meeting.fields) });
    });
  const create = (meeting: NewMeeting) =>
    write(() => {
      const id = newMeetingId();
      store.create(
        'meetings',
        id,
        {
          ...(meeting.weddingId ? { weddingId: meeting.weddingId } : {}),
          supplierId: scope.supplierId,
          title: meeting.title,
          startAtMs: meeting.startMs,
          endAtMs: meeting.endMs,
          location: meeting.location,
          status: 'scheduled',
          attendees: meeting.attendeeIds.map((userId) => ({ id: userId, v: { userId } })),
        },
        { topic: topicOf(meeting.weddingId ? { weddingId: meeting.weddingId } : {}) },
      );
      setWeekStartMs(startOfWeekMs(meeting.startMs));
    });

  const selectedView = selectedId ? meetings.find((meeting) => meeting.id === selectedId) : undefined;

  return (
    <div className="page">
      <div className="page__header-row">
        <h1 className="page__title">Calendar</h1>
        <fieldset className="calendar-nav">
          <legend className="ws-visually-hidden">Week</legend>
          <button
            type="button"
            className="ws-button ws-button--small"
            onClick={() => setWeekStartMs((w) => startOfWeekMs(w - WEEK_MS / 2))}
          >
            Previous week
          </button>
          <button
            type="button"
            className="ws-button ws-button--small"
            onClick={() => setWeekStartMs(startOfWeekMs(Date.now()))}
          >
            This week
          </button>
          <button
            type="button"
            className="ws-button ws-button--small"
            onClick={() => setWeekStartMs((w) => startOfWeekMs(w + WEEK_MS + WEEK_MS / 2))}
          >
            Next week
          </button>
        </fieldset>
      </div>
      <p className="ws-muted" aria-live="polite">
        Week of {new Date(weekStartMs).toDateString()}
      </p>
      <div className="calendar-layout">
        <div className="card calendar-layout__week">
          <LiveSectionOverlay
            label="Calendar"
            offline={sync.offline}
            lastSyncedAtMs={sync.lastSyncedAtMs}
            queuedChanges={sync.queuedChanges}
          >
            <CalendarWeek
              weekStartMs={weekStartMs}
              events={events}
              conflicts={notices}
              onSelect={(event) => setSelectedId(event.id)}
              {...(readOnly ? {} : { onMove: move, onDragPreview: live.sendPreview })}
            />
          </LiveSectionOverlay>
        </div>
        <aside className="calendar-layout__side">
          {selectedView ? (
            <div className="card">
              <MeetingDetails
                key={selectedView.id}
                meeting={selectedView}
                clientName={
                  typeof selectedView.fields.weddingId === 'string'
                    ? (clientName(selectedView.fields.weddingId) ?? null)
                    : null
                }
                attendeeNames={attendeesOf(selectedView).map(scope.fullNameOf)}
                onReschedule={(startMs, endMs) => move(selectedView.id, startMs, endMs)}
                onCancel={() => setStatus(selectedView.id, 'cancelled')}
                onRestore={() => setStatus(selectedView.id, 'scheduled')}
                onClose={() => setSelectedId(null)}
                readOnly={readOnly}
              />
            </div>
          ) : null}
          {readOnly ? (
            <p className="ws-muted">Viewers see the calendar; only members book and move meetings.</p>
          ) : (
            <div className="card">
              <MeetingForm
                clients={weddings.map((wedding) => ({
                  id: wedding.id,
                  name: String(wedding.fields.title ?? wedding.id),
                }))}
                team={scope.team}
                myUserId={scope.user.id}
                defaultDate={localDateText(Math.max(Date.now(), weekStartMs))}
                onCreate={create}
              />
            </div>
          )}
        </aside>
      </div>
    </div>
  );
}
