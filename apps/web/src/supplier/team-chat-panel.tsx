import { useBroadcast, useChannel, useRecordStore } from '@wedsync/react';
import { type ChatMessage, TeamChat } from '@wedsync/react-ui';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useToast } from '../app/toast-context.tsx';
import { ChatPhoto } from '../media/chat-photo.tsx';
import { newMediaId, photoAttachmentOf, uploadPhotoVariants } from '../media/media-api.ts';
import { PhotoPicker } from '../media/photo-picker.tsx';
import { makePhotoVariants, type PhotoCodec } from '../media/photo-variants.ts';
import { useEphemeralSend } from '../mobile/device-sync-provider.tsx';
import { firstName, type KnownPerson, useSupplierScope } from './supplier-context.tsx';
import { useLiveRecords } from './use-live-records.ts';

/** Broadcast event for "is typing…" on the team channel (ephemeral). */
export const TEAM_TYPING_EVENT = 'team_typing';
/** A typing mark disappears this long after the last keystroke heard. */
const TYPING_SHOWN_MS = 3_000;

/** Team members named with "@First" in a message (the server also reads `mentions`, R5.2 team mention). */
export function mentionedIds(text: string, team: readonly KnownPerson[]): string[] {
  const words = new Set([...text.matchAll(/@([\p{L}\p{N}_-]+)/gu)].map((match) => (match[1] ?? '').toLowerCase()));
  return team.filter((person) => words.has(firstName(person.name).toLowerCase())).map((person) => person.id);
}

/**
 * Team chat (R10.1): `team_chat` records of the supplier from the record store — sent through the
 * offline queue (pending until acknowledged), live for the whole team — with "is typing…" sent as
 * ephemeral broadcasts on the team channel. Photos (R12.2, R13.1, decision 0009) are compressed into
 * two variants in the browser, uploaded as raw bytes, then referenced by the message's `attachment`;
 * readers fetch the variant their network allows.
 */
export function TeamChatPanel({
  disabled,
  photoCodec,
}: {
  disabled: boolean;
  /** How picked photos are decoded and encoded; default the browser's canvas (tests inject one). */
  photoCodec?: PhotoCodec;
}) {
  const scope = useSupplierScope();
  const store = useRecordStore();
  const toast = useToast();
  const records = useLiveRecords('team_chat');
  const team = useChannel(scope.teamTopic, { presence: { key: scope.user.id } });
  const send = useEphemeralSend();
  const [typing, setTyping] = useState<ReadonlyMap<string, string>>(new Map());
  const [sendingPhoto, setSendingPhoto] = useState(false);
  const timers = useRef(new Map<string, ReturnType<typeof setTimeout>>());

  useEffect(() => {
    const pending = timers.current;
    return () => {
      for (const timer of pending.values()) clearTimeout(timer);
    };
  }, []);

  useBroadcast(team.channel, TEAM_TYPING_EVENT, (payload) => {
    const { userId, name } = (payload ?? {}) as { userId?: unknown; name?: unknown };
    if (typeof userId !== 'string' || userId === scope.user.id) return;
    clearTimeout(timers.current.get(userId));
    timers.current.set(
      userId,
      setTimeout(() => {
        timers.current.delete(userId);
        setTyping((current) => {
          const next = new Map(current);
          next.delete(userId);
          return next;
        });
      }, TYPING_SHOWN_MS),
    );
    setTyping((current) => new Map(current).set(userId, String(name ?? 'Someone')));
  });

  const messages = useMemo<ChatMessage[]>(
    () =>
      records
        .filter((record) => record.fields.supplierId === scope.supplierId)
        .map((record) => {
          const authorName = scope.fullNameOf(String(record.fields.senderId ?? ''));
          const photo = photoAttachmentOf(record.fields.attachment);
          return {
            id: record.id,
            authorName,
            text: String(record.fields.body ?? ''),
            atMs: Number(record.fields.sentAtMs) || 0,
            mine: record.fields.senderId === scope.user.id,
            pending: record.v === 0 || record.pendingFields.length > 0,
            ...(photo
              ? { attachment: <ChatPhoto attachment={photo} token={scope.token} alt={`Photo from ${authorName}`} /> }
              : {}),
          };
        })
        .sort((a, b) => a.atMs - b.atMs || a.id.localeCompare(b.id)),
    [records, scope],
  );

  // Every sender's own chat goes out once per interval at most (the newest "typing" wins).
  const onTyping = useCallback(() => {
    const channel = team.channel;
    if (!channel) return;
    send('typing', 'team-typing', { userId: scope.user.id, name: firstName(scope.user.name) }, (value) => {
      channel.broadcast(TEAM_TYPING_EVENT, value).catch(() => undefined);
    });
  }, [team.channel, send, scope.user]);

  const post = (text: string, attachment?: { mediaId: string; width: number; height: number }) => {
    const id = `chat-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    store.create(
      'team_chat',
      id,
      {
        supplierId: scope.supplierId,
        senderId: scope.user.id,
        body: text,
        sentAtMs: Date.now(),
        mentions: mentionedIds(text, scope.team),
        ...(attachment ? { attachment } : {}),
      },
      { topic: scope.primaryTopic },
    );
  };

  const onSend = (text: string) => {
    try {
      post(text);
    } catch (error) {
      toast({ tone: 'error', message: `Message not sent: ${(error as Error).message}` });
    }
  };

  // The bytes go up first, so no teammate ever sees a message whose photo is not there yet.
  const onPhoto = async (file: File) => {
    setSendingPhoto(true);
    try {
      const variants = await makePhotoVariants(file, photoCodec);
      const mediaId = newMediaId();
      await uploadPhotoVariants({ token: scope.token, supplierId: scope.supplierId, mediaId, variants });
      post('', { mediaId, width: variants.full.widthPx, height: variants.full.heightPx });
    } catch (error) {
      toast({ tone: 'error', message: `Photo not sent: ${(error as Error).message}` });
    } finally {
      setSendingPhoto(false);
    }
  };

  return (
    <TeamChat
      messages={messages}
      typingNames={[...typing.values()]}
      onSend={onSend}
      onTyping={onTyping}
      disabled={disabled}
      composerActions={<PhotoPicker disabled={disabled} busy={sendingPhoto} onPick={(file) => void onPhoto(file)} />}
    />
  );
}
