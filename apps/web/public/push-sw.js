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
 */

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

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
