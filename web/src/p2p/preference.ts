// The viewer's choice to share segments with other viewers, kept in this browser.
const KEY = 'cirrus.p2p';

type Store = Pick<Storage, 'getItem' | 'setItem'>;

const browserStore = (): Store | null => (typeof localStorage === 'undefined' ? null : localStorage);

/** P2P is on unless the viewer turned it off (or storage is unreadable: then on). */
export function p2pEnabled(store: Store | null = browserStore()): boolean {
  try {
    return store?.getItem(KEY) !== 'off';
  } catch {
    return true;
  }
}

export function setP2PEnabled(enabled: boolean, store: Store | null = browserStore()): void {
  try {
    store?.setItem(KEY, enabled ? 'on' : 'off');
  } catch {
    // Storage full or forbidden: the choice holds for this page only.
  }
}
