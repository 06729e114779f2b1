import { useEffect, useState } from 'react';
import type { ServerConfig } from '../api';
import { clientPlugins, linkGlobalCss, notices, runAction } from '../clientPlugins';

/** Starts the installed client plugins once the server's config is known (the `common`
 * scope, then `action:application.init`), and shows their notices. */
export function ClientPlugins({ config }: { config: ServerConfig | null }) {
  const registered = config?.plugin?.registered;
  useEffect(() => {
    if (!registered || !clientPlugins.start(registered)) return;
    linkGlobalCss(registered);
    void runAction('action:application.init', 'common');
  }, [registered]);

  const [shown, setShown] = useState(notices.current);
  useEffect(() => notices.subscribe(setShown), []);
  if (shown.length === 0) return null;
  return (
    <div className="plugin-notices" aria-live="polite">
      {shown.map((notice) => (
        <div key={notice.id} className={`plugin-notice plugin-notice--${notice.kind}`} role={notice.kind === 'error' ? 'alert' : 'status'}>
          {notice.title && <strong>{notice.title} </strong>}
          {notice.text}
          <button type="button" className="link-button" aria-label="Dismiss" onClick={() => notices.dismiss(notice.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
