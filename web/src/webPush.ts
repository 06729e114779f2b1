// Web Push (a Cirrus extension): this browser's push subscription, made with the instance's
// VAPID key and kept by the server (`/api/v1/users/me/push-subscriptions`), so that the
// notifications the user hears of on the web also reach this browser while the site is closed.
// The service worker that shows them is public/push-worker.js.
import { ApiError } from './api';
import { session } from './auth';

const ROUTE = '/api/v1/users/me/push-subscriptions';
export const WORKER_URL = '/push-worker.js';

/** Whether this browser can take push messages at all. */
export function pushSupported(): boolean {
  return typeof window !== 'undefined' && 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
}

/** The VAPID key as pushManager.subscribe wants it: base64url text to bytes. */
export function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const padded = base64url.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (base64url.length % 4)) % 4);
  const raw = atob(padded);
  const bytes = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i += 1) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

async function registration(): Promise<ServiceWorkerRegistration> {
  await navigator.serviceWorker.register(WORKER_URL, { scope: '/' });
  return navigator.serviceWorker.ready;
}

/** This browser's subscription, if it has one. */
export async function currentSubscription(): Promise<PushSubscription | null> {
  if (!pushSupported()) return null;
  const found = await navigator.serviceWorker.getRegistration('/');
  return found ? found.pushManager.getSubscription() : null;
}

/** Ask the user, subscribe this browser and give the subscription to the server. */
export async function enablePush(): Promise<void> {
  if (!pushSupported()) throw new Error('This browser cannot receive push notifications.');
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') throw new Error('Notifications are blocked for this site in the browser.');
  const { publicKey } = await session.json<{ publicKey: string }>(`${ROUTE}/vapid-key`);
  const worker = await registration();
  const subscription =
    (await worker.pushManager.getSubscription()) ??
    (await worker.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(publicKey) }));
  await session.send(ROUTE, { method: 'POST', json: subscription.toJSON() });
}

/** Stop pushes to this browser: the server forgets it, then the browser does. */
export async function disablePush(): Promise<void> {
  const subscription = await currentSubscription();
  if (!subscription) return;
  try {
    await session.send(ROUTE, { method: 'DELETE', json: { endpoint: subscription.endpoint } });
  } catch (err) {
    // 404: the server forgot it already (its push service said it was gone).
    if (!(err instanceof ApiError && err.status === 404)) throw err;
  } finally {
    await subscription.unsubscribe();
  }
}
