import type { Actor } from '../types';

export function Avatar({ actor, size = 40 }: { actor: Pick<Actor, 'displayName' | 'avatars'>; size?: number }) {
  const image = [...(actor.avatars ?? [])].sort((a, b) => (b.width ?? 0) - (a.width ?? 0))[0];
  const src = image?.fileUrl ?? image?.path;
  if (src) return <img className="avatar" src={src} alt="" width={size} height={size} />;
  return (
    <span className="avatar avatar--initial" style={{ width: size, height: size, fontSize: size / 2.2 }} aria-hidden="true">
      {(actor.displayName || '?').slice(0, 1).toUpperCase()}
    </span>
  );
}
