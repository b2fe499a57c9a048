/**
 * The app's service worker (apps/web/public/push-sw.js) after login: it keeps the app shell for a
 * reload while offline (R11.1) and shows Web Push notifications (R5.1 push, R5.4). Once notifications
 * are allowed, the browser is subscribed with the server's VAPID key and the subscription sent to the
 * server. Push is skipped silently where unavailable (headless browsers, permission denied): the bell
 * and the toasts still work.
 */
const WORKER_URL = '/push-sw.js';

function workerSupported(): boolean {
  return typeof window !== 'undefined' && 'serviceWorker' in navigator && window.isSecureContext;
}

function pushSupported(): boolean {
  return workerSupported() && 'PushManager' in window && 'Notification' in window;
}

function base64UrlToBytes(value: string): Uint8Array<ArrayBuffer> {
  const padded = (value + '='.repeat((4 - (value.length % 4)) % 4)).replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(padded);
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

/** Registers the worker and the subscription; resolves false (never throws) when Push is not possible. */
export async function registerPush(token: string): Promise<boolean> {
  if (!workerSupported()) return false;
  try {
    const registration = await navigator.serviceWorker.register(WORKER_URL);
    if (!pushSupported()) return false;
    let permission = Notification.permission;
    if (permission === 'default') permission = await Notification.requestPermission();
    if (permission !== 'granted') return false;
    const response = await fetch('/api/notifications/push/key');
    if (!response.ok) return false;
    const { publicKey } = (await response.json()) as { publicKey?: string };
    if (!publicKey) return false;
    const subscription =
      (await registration.pushManager.getSubscription()) ??
      (await registration.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: base64UrlToBytes(publicKey),
      }));
    const saved = await fetch('/api/notifications/push/subscriptions', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(subscription),
    });
    return saved.ok;
  } catch {
    return false;
  }
}

/** On logout: the server forgets this device, then the browser drops the subscription. Never throws. */
export async function unregisterPush(token: string): Promise<void> {
  if (!pushSupported()) return;
  try {
    const registration = await navigator.serviceWorker.getRegistration(WORKER_URL);
    const subscription = await registration?.pushManager.getSubscription();
    if (!subscription) return;
    await fetch('/api/notifications/push/subscriptions', {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ endpoint: subscription.endpoint }),
    });
    await subscription.unsubscribe();
  } catch {
    // Best effort: an expired token or an offline logout leaves a subscription the server prunes (404/410).
  }
}

/**
 * Messages from the worker: a clicked notification opens its link in this tab; a replaced
 * subscription is registered again. Returns the function that stops listening.
 */
export function listenToPushWorker(token: string, open: (link: string) => void): () => void {
  if (!workerSupported()) return () => {};
  const onMessage = (event: MessageEvent) => {
    const data = event.data as { type?: string; link?: string } | null;
    if (data?.type === 'wedsync-notification-click' && typeof data.link === 'string') {
      open(new URL(data.link, window.location.origin).pathname);
    }
    if (data?.type === 'wedsync-push-resubscribe') void registerPush(token);
  };
  navigator.serviceWorker.addEventListener('message', onMessage);
  return () => navigator.serviceWorker.removeEventListener('message', onMessage);
}
