import { CALENDAR_CONFLICT_EVENT, type CalendarConflict, type CalendarConflictPayload } from '@wedsync/protocol';
import { useBroadcast, useChannel } from '@wedsync/react';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useEphemeralSend } from '../mobile/device-sync-provider.tsx';
import { useSupplierScope } from './supplier-context.tsx';
import { useServerJson } from './use-server-json.ts';

/** Broadcast event of drag previews on the team channel (ephemeral, never in the log). */
export const CALENDAR_DRAG_EVENT = 'calendar_drag';

export interface RemoteDrag {
  startMs: number;
  endMs: number;
  byName: string;
}

interface DragMessage {
  meetingId: string;
  byId: string;
  byName: string;
  /** Absent when the drag ended (dropped or cancelled). */
  preview?: { startMs: number; endMs: number };
}

/** A ghost with no news for this long is dropped (its dragger closed the tab mid-drag). */
const DRAG_STALE_MS = 10_000;

/**
 * The calendar's live extras (R9.2):
 * - drag previews: mine go to the team channel as `calendar_drag` broadcasts, thinned out by the
 *   device's network policy (R13.1); others' come back as a ghost per meeting, with the dragger's name;
 * - double-booking warnings from the server: each meeting's conflicts as listed by
 *   GET /api/suppliers/:id/meetings, replaced live by `calendar_conflict` events on `supplier:{id}`.
 */
export function useCalendarLive() {
  const scope = useSupplierScope();
  const team = useChannel(scope.teamTopic, { presence: { key: scope.user.id } });
  const primary = useChannel(scope.primaryTopic);
  const send = useEphemeralSend();
  const [drags, setDrags] = useState<ReadonlyMap<string, RemoteDrag>>(new Map());
  const expiry = useRef(new Map<string, ReturnType<typeof setTimeout>>());

  useEffect(() => {
    const timers = expiry.current;
    return () => {
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    };
  }, []);

  const dropDrag = useCallback((meetingId: string) => {
    clearTimeout(expiry.current.get(meetingId));
    expiry.current.delete(meetingId);
    setDrags((current) => {
      if (!current.has(meetingId)) return current;
      const next = new Map(current);
      next.delete(meetingId);
      return next;
    });
  }, []);

  useBroadcast(team.channel, CALENDAR_DRAG_EVENT, (payload) => {
    const message = payload as Partial<DragMessage>;
    if (typeof message?.meetingId !== 'string' || message.byId === scope.user.id) return;
    const meetingId = message.meetingId;
    if (!message.preview) return dropDrag(meetingId);
    const { startMs, endMs } = message.preview;
    if (!Number.isFinite(startMs) || !Number.isFinite(endMs)) return;
    clearTimeout(expiry.current.get(meetingId));
    expiry.current.set(
      meetingId,
      setTimeout(() => dropDrag(meetingId), DRAG_STALE_MS),
    );
    setDrags((current) =>
      new Map(current).set(meetingId, { startMs, endMs, byName: String(message.byName ?? 'Someone') }),
    );
  });

  const sendPreview = useCallback(
    (meetingId: string, preview: { startMs: number; endMs: number } | null) => {
      const channel = team.channel;
      if (!channel) return;
      const message: DragMessage = {
        meetingId,
        byId: scope.user.id,
        byName: scope.user.name.split(' ')[0] ?? scope.user.name,
        ...(preview ? { preview } : {}),
      };
      send('typing', `calendar-drag:${meetingId}`, message, (value) => {
        channel.broadcast(CALENDAR_DRAG_EVENT, value).catch(() => undefined);
      });
    },
    [team.channel, scope.user, send],
  );

  const listed = useServerJson<{ records: { id: string; conflicts?: CalendarConflict[] }[] }>(
    `/api/suppliers/${scope.supplierId}/meetings`,
    { token: scope.token, refreshOn: [] },
  );
  const [conflicts, setConflicts] = useState<ReadonlyMap<string, readonly CalendarConflict[]>>(new Map());
  useEffect(() => {
    if (!listed.data) return;
    setConflicts(new Map(listed.data.records.map((record) => [record.id, record.conflicts ?? []])));
  }, [listed.data]);
  useEffect(() => {
    if (!primary.channel) return;
    return primary.channel.on(CALENDAR_CONFLICT_EVENT, (payload) => {
      const update = payload as CalendarConflictPayload;
      if (typeof update?.meetingId !== 'string' || !Array.isArray(update.conflicts)) return;
      setConflicts((current) => new Map(current).set(update.meetingId, update.conflicts));
    });
  }, [primary.channel]);

  return { drags, sendPreview, dropDrag, conflicts };
}
