// Cirrus's service worker for Web Push (docs/notifications.md, "Web Push"): shows the
// notification the server pushed (title, line, where a click leads) and, on a click, focuses
// an open tab of the site or opens one there. It caches nothing and handles no fetch.
self.addEventListener('push', (event) => {
  let message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch {
    message = { body: event.data ? event.data.text() : '' };
  }
  const title = message.title || 'Cirrus';
  event.waitUntil(
    self.registration.showNotification(title, {
      body: message.body || 'You have a new notification',
      tag: message.tag,
      icon: '/favicon.svg',
      data: { url: message.url || '/my-account/notifications' },
    }),
  );
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const target = new URL(event.notification.data?.url || '/', self.location.origin);
  if (target.origin !== self.location.origin) return; // only ever this site's own pages
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((tabs) => {
      const open = tabs.find((tab) => new URL(tab.url).origin === target.origin);
      if (open) return open.focus().then(() => open.navigate(target.href));
      return self.clients.openWindow(target.href);
    }),
  );
});
