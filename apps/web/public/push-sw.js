/* WedSync push service worker (issue 7, R5.1 push): shows Web Push notifications and opens the app
 * on click. The server encrypts each message for this browser (RFC 8291) and sends the JSON of a
 * `NotificationToast` (@wedsync/protocol): { id, trigger, importance, title, body, link?, createdAt }.
 * Vite copies apps/web/public to the site root, so it is served at /push-sw.js (scope: the whole app).
 *
 * Registration (in the web app, after login):
 *   const registration = await navigator.serviceWorker.register('/push-sw.js');
 *   const { publicKey } = await (await fetch('/api/notifications/push/key')).json();
 *   const subscription = await registration.pushManager.subscribe({
 *     userVisibleOnly: true,
 *     applicationServerKey: base64UrlToBytes(publicKey),
 *   });
 *   await fetch('/api/notifications/push/subscriptions', {
 *     method: 'POST',
 *     headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
 *     body: JSON.stringify(subscription),
 *   });
 * On logout: `DELETE /api/notifications/push/subscriptions` with `{ endpoint }`, then `subscription.unsubscribe()`.
 *
 * The same worker keeps the app shell for offline use (R11.1: a page reload while offline still opens
 * the app, with its queued changes from localStorage): at install it caches index.html and the
 * assets it names; pages are network-first (the cached shell when offline), hashed assets cache-first.
 * The API, auth and the socket are never cached.
 */

const SHELL_CACHE = 'wedsync-shell-v1';

async function cacheShell() {
  const cache = await caches.open(SHELL_CACHE);
  const response = await fetch('/index.html', { cache: 'no-store' });
  if (!response.ok) return;
  const html = await response.clone().text();
  await cache.put('/index.html', response);
  const assets = [...new Set(html.match(/\/assets\/[^"'\s)]+/g) || [])];
  await Promise.all(assets.map((asset) => cache.add(asset).catch(() => undefined)));
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    cacheShell()
      .catch(() => undefined)
      .then(() => self.skipWaiting()),
  );
});
self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== SHELL_CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (/^\/(api|auth|socket|metrics)(\/|$)/.test(url.pathname)) return;
  if (request.mode === 'navigate') {
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok) {
            const copy = response.clone();
            caches.open(SHELL_CACHE).then((cache) => cache.put('/index.html', copy));
          }
          return response;
        })
        .catch(() => caches.match('/index.html').then((cached) => cached || Response.error())),
    );
    return;
  }
  if (url.pathname.startsWith('/assets/')) {
    event.respondWith(
      caches.match(request).then(
        (cached) =>
          cached ||
          fetch(request).then((response) => {
            if (response.ok) {
              const copy = response.clone();
              caches.open(SHELL_CACHE).then((cache) => cache.put(request, copy));
            }
            return response;
          }),
      ),
    );
  }
});

self.addEventListener('push', (event) => {
  let toast;
  try {
    toast = event.data ? event.data.json() : undefined;
  } catch {
    toast = undefined;
  }
  if (!toast || typeof toast.title !== 'string') {
    toast = { id: 'wedsync', title: 'WedSync', body: 'You have a new notification', link: '/' };
  }
  event.waitUntil(
    self.registration.showNotification(toast.title, {
      body: toast.body || '',
      // One entry per notification: a push sent again (after a server crash) replaces the shown one.
      tag: toast.id,
      renotify: false,
      requireInteraction: toast.importance === 'critical',
      timestamp: Date.parse(toast.createdAt) || Date.now(),
      data: { id: toast.id, link: toast.link || '/' },
    }),
  );
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const data = event.notification.data || {};
  const link = new URL(data.link || '/', self.location.origin).href;
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
      for (const client of windows) {
        if (new URL(client.url).origin === self.location.origin && 'focus' in client) {
          client.postMessage({ type: 'wedsync-notification-click', id: data.id, link });
          return client.focus();
        }
      }
      return self.clients.openWindow(link);
    }),
  );
});

// The browser replaced the subscription: open pages register the new one (they hold the user's token).
self.addEventListener('pushsubscriptionchange', (event) => {
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
      for (const client of windows) client.postMessage({ type: 'wedsync-push-resubscribe' });
    }),
  );
});
