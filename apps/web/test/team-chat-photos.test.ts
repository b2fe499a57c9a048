// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, waitFor } from '@testing-library/react';
import { MemoryQueueStorage, RealtimeClient, RecordStore } from '@wedsync/client';
import { RealtimeProvider, RecordStoreProvider } from '@wedsync/react';
import { type ComponentType, createElement as h, type ReactNode } from 'react';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
// The collections file alone: the package entry also loads server-side modules (migrations) jsdom cannot.
import { weddingSchemas } from '../../../packages/wedding/src/collections/wedding-schemas.ts';
import { ToastProvider } from '../src/app/toast-context.tsx';
import type { PhotoCodec } from '../src/media/photo-variants.ts';
import { DeviceSyncProvider } from '../src/mobile/device-sync-provider.tsx';
import { SupplierScopeProvider } from '../src/supplier/supplier-context.tsx';
import { TeamChatPanel } from '../src/supplier/team-chat-panel.tsx';

const JPEG = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46]);
const MEDIA_ID = 'm-0123456789abcdef';
const PEOPLE = [
  { id: 'u-sarah', name: 'Sarah Bennett', kind: 'supplier', supplierId: 'lenslight' },
  { id: 'u-bob', name: 'Bob Turner', kind: 'supplier', supplierId: 'lenslight' },
];

/** The Network Information API as a phone reports it; `switchTo` fires its `change` event. */
function injectedConnection(type: 'cellular' | 'wifi') {
  const listeners = new Set<() => void>();
  const connection = {
    type: type as string,
    effectiveType: '4g',
    saveData: false,
    addEventListener: (_: 'change', listener: () => void) => listeners.add(listener),
    removeEventListener: (_: 'change', listener: () => void) => listeners.delete(listener),
    switchTo(next: 'cellular' | 'wifi') {
      connection.type = next;
      for (const listener of [...listeners]) listener();
    },
  };
  Object.defineProperty(window.navigator, 'connection', { configurable: true, value: connection });
  return connection;
}

/** createElement for a provider whose props require `children`, given as the third argument. */
function provide<P extends { children?: ReactNode }>(
  type: ComponentType<P>,
  props: Omit<P, 'children'>,
  child: ReactNode,
) {
  return h(type, props as P, child);
}

let requests: { url: string; authorization: string | null }[] = [];
/** PUTs: the upload of a variant, its body as text (the injected encoder writes what it made). */
let uploads: { url: string; authorization: string | null; contentType: string | null; body: string }[] = [];
/** The answer to every PUT (a test sets a refusal). */
let uploadAnswer: () => Response = () => new Response('{}', { status: 201 });
let revoked: string[] = [];
const closers: Array<() => Promise<unknown>> = [];

beforeEach(() => {
  requests = [];
  uploads = [];
  uploadAnswer = () => new Response('{}', { status: 201 });
  revoked = [];
  let blobs = 0;
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: string, init?: RequestInit) => {
      const headers = new Headers(init?.headers);
      if (init?.method === 'PUT') {
        const body = await (init.body as Blob).text();
        uploads.push({
          url: input,
          authorization: headers.get('authorization'),
          contentType: headers.get('content-type'),
          body,
        });
        return uploadAnswer();
      }
      requests.push({ url: String(input), authorization: headers.get('authorization') });
      return new Response(JPEG, { headers: { 'content-type': 'image/jpeg' } });
    }),
  );
  URL.createObjectURL = vi.fn(() => `blob:photo-${++blobs}`);
  URL.revokeObjectURL = vi.fn((url: string) => void revoked.push(url));
  localStorage.clear();
});

afterEach(async () => {
  cleanup();
  await Promise.all(closers.splice(0).map((close) => close()));
  vi.unstubAllGlobals();
  Reflect.deleteProperty(window.navigator, 'connection');
});

/** Bob's team chat, by default with a photo Sarah sent (its reference in `team_chat.attachment`). */
async function renderBobsChat(options: { withPhoto?: boolean; photoCodec?: PhotoCodec } = {}) {
  const client = new RealtimeClient({
    url: 'ws://127.0.0.1:9/socket/websocket',
    token: 'token-bob',
    onlineEvents: null,
  });
  const store = await RecordStore.open({
    storage: new MemoryQueueStorage(),
    schemas: weddingSchemas,
    defaultTopic: 'supplier:lenslight',
  });
  closers.push(async () => {
    await store.outbox.close();
    await client.close();
  });
  if (options.withPhoto !== false)
    store.create(
      'team_chat',
      'chat-photo-1',
      {
        supplierId: 'lenslight',
        senderId: 'u-sarah',
        body: '',
        sentAtMs: 1_000,
        mentions: [],
        attachment: { mediaId: MEDIA_ID, width: 1600, height: 1200 },
      },
      { topic: 'supplier:lenslight' },
    );
  const scoped = provide(
    SupplierScopeProvider,
    {
      supplierId: 'lenslight',
      token: 'token-bob',
      user: { id: 'u-bob', name: 'Bob Turner', kind: 'supplier' },
      people: PEOPLE,
    },
    h(TeamChatPanel, { disabled: false, ...(options.photoCodec ? { photoCodec: options.photoCodec } : {}) }),
  );
  const device = provide(DeviceSyncProvider, { client, store }, provide(ToastProvider, {}, scoped));
  const view = render(provide(RealtimeProvider, { client }, provide(RecordStoreProvider, { store }, device)));
  const shownPhoto = async () => {
    await waitFor(() => expect(view.container.querySelector('img.ws-chat-photo')).not.toBeNull());
    return view.container.querySelector('img.ws-chat-photo') as HTMLImageElement;
  };
  return { view, store, shownPhoto };
}

// Issue 8 item 3, R13.1: "on cellular or data-saver … media is fetched in smaller variants".
describe('team chat photos follow the network policy (R13.1, R12.2, issue 8 item 3)', () => {
  test('on cellular the chat fetches the small variant with the bearer token and shows it from a blob URL', async () => {
    injectedConnection('cellular');
    const { view, shownPhoto } = await renderBobsChat();
    const img = await shownPhoto();
    expect(img.getAttribute('src')).toBe('blob:photo-1');
    expect(img.alt).toBe('Photo from Sarah Bennett');
    expect(img.dataset.variant).toBe('small');
    expect(requests).toEqual([{ url: `/api/media/${MEDIA_ID}/small`, authorization: 'Bearer token-bob' }]);
    view.unmount();
    expect(revoked).toEqual(['blob:photo-1']);
  });

  test('on wifi it fetches the full variant; moving to cellular refetches the small one and frees the full', async () => {
    const connection = injectedConnection('wifi');
    const { shownPhoto } = await renderBobsChat();
    expect((await shownPhoto()).dataset.variant).toBe('full');
    expect(requests.map((request) => request.url)).toEqual([`/api/media/${MEDIA_ID}/full`]);
    act(() => connection.switchTo('cellular'));
    await waitFor(() => expect(requests.map((request) => request.url).at(-1)).toBe(`/api/media/${MEDIA_ID}/small`));
    await waitFor(() => expect(revoked).toEqual(['blob:photo-1']));
    expect((await shownPhoto()).dataset.variant).toBe('small');
  });

  test('the data saver setting alone makes photos small, even on wifi', async () => {
    injectedConnection('wifi');
    localStorage.setItem('wedsync.sync-settings.v1', JSON.stringify({ dataSaver: true }));
    const { shownPhoto } = await renderBobsChat();
    expect((await shownPhoto()).dataset.variant).toBe('small');
    expect(requests.map((request) => request.url)).toEqual([`/api/media/${MEDIA_ID}/small`]);
  });
});

/** A decoder of a 3200×2400 photo and an encoder whose "JPEG" names its size and quality. */
const fakeCodec: PhotoCodec = {
  decode: async () => ({ width: 3200, height: 2400, source: {} as CanvasImageSource }),
  canvas: (widthPx, heightPx) => ({
    draw: () => undefined,
    toJpeg: async (quality) => new Blob([`${widthPx}x${heightPx} q${quality}`], { type: 'image/jpeg' }),
  }),
};

// R12.2 (media as binary bodies), decision 0009: the sending side of a chat photo.
describe('sending a photo in the team chat (R12.2, R13.1, issue 8 item 3)', () => {
  test('picking a photo uploads small then full as JPEG bodies, then sends the message that references them', async () => {
    injectedConnection('wifi');
    const { view, store, shownPhoto } = await renderBobsChat({ withPhoto: false, photoCodec: fakeCodec });
    fireEvent.change(view.getByLabelText('Add photo'), {
      target: { files: [new File([JPEG], 'cake.jpg', { type: 'image/jpeg' })] },
    });
    await waitFor(() => expect(store.query('team_chat')).toHaveLength(1));
    const mediaId = /\/api\/media\/([^/]+)\//.exec(uploads[0]?.url ?? '')?.[1] ?? '';
    expect(mediaId).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
    expect(uploads).toEqual([
      {
        url: `/api/media/${mediaId}/small?supplierId=lenslight`,
        authorization: 'Bearer token-bob',
        contentType: 'image/jpeg',
        body: '480x360 q0.6',
      },
      {
        url: `/api/media/${mediaId}/full?supplierId=lenslight`,
        authorization: 'Bearer token-bob',
        contentType: 'image/jpeg',
        body: '1600x1200 q0.82',
      },
    ]);
    const [message] = store.query('team_chat');
    expect(message?.fields).toMatchObject({
      supplierId: 'lenslight',
      senderId: 'u-bob',
      body: '',
      attachment: { mediaId, width: 1600, height: 1200 },
    });
    expect((await shownPhoto()).alt).toBe('Photo from Bob Turner');
    expect(requests.map((request) => request.url)).toEqual([`/api/media/${mediaId}/full`]);
  });

  test('a refused upload sends no message and says why', async () => {
    injectedConnection('wifi');
    uploadAnswer = () =>
      new Response(JSON.stringify({ error: { code: 'PAYLOAD_TOO_LARGE', message: 'The small variant is too big' } }), {
        status: 413,
      });
    const { view, store } = await renderBobsChat({ withPhoto: false, photoCodec: fakeCodec });
    fireEvent.change(view.getByLabelText('Add photo'), {
      target: { files: [new File([JPEG], 'cake.jpg', { type: 'image/jpeg' })] },
    });
    await view.findByText('Photo not sent: The small variant is too big');
    expect(uploads).toHaveLength(1);
    expect(store.query('team_chat')).toEqual([]);
  });
});
