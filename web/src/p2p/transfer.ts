// How much of a video came from other viewers and how much from the origin, in words a
// viewer reads (and a screen reader speaks): the watch page shows it under the player.
import { formatBytes } from '../format';

export interface Transfer {
  /** Bytes of segments that passed validation after coming from peers. */
  fromPeers: number;
  overHttp: number;
  /** Bytes this viewer sent to others. */
  toPeers: number;
  /** Distinct peers that sent at least one valid segment. */
  senders: number;
  /** Peers connected now (all streams). */
  connected: number;
}

export const NO_TRANSFER: Transfer = { fromPeers: 0, overHttp: 0, toPeers: 0, senders: 0, connected: 0 };

const peers = (n: number) => `${n} ${n === 1 ? 'peer' : 'peers'}`;

/** "P2P: 1.2 MB from 1 peer, 3.4 MB over HTTP; 800 KB sent to others; 2 peers connected". */
export function describeTransfer(t: Transfer): string {
  const parts = [`P2P: ${formatBytes(t.fromPeers)} from ${peers(t.senders)}, ${formatBytes(t.overHttp)} over HTTP`];
  if (t.toPeers > 0) parts.push(`${formatBytes(t.toPeers)} sent to others`);
  parts.push(`${peers(t.connected)} connected`);
  return parts.join('; ');
}

type Source = 'http' | 'p2p';

/**
 * Counts what p2p-media-loader reports. Downloads are counted when a whole segment is
 * delivered to the player (`onSegmentLoaded`), so bytes a peer sent that failed the hash
 * check never count as received from peers. The player reads `current()` on a timer:
 * uploads report every chunk, too often to re-render for each.
 */
export class TransferTally {
  private totals = { fromPeers: 0, overHttp: 0, toPeers: 0 };
  private readonly senderIds = new Set<string>();
  private readonly connectedIds = new Map<string, number>();
  private snapshot: Transfer = NO_TRANSFER;
  private changed = false;

  segmentLoaded = (details: { bytesLength: number; downloadSource: Source; peerId: string | undefined }) => {
    if (details.downloadSource === 'p2p') {
      this.totals.fromPeers += details.bytesLength;
      if (details.peerId) this.senderIds.add(details.peerId);
    } else {
      this.totals.overHttp += details.bytesLength;
    }
    this.changed = true;
  };

  chunkUploaded = (bytesLength: number) => {
    this.totals.toPeers += bytesLength;
    this.changed = true;
  };

  // One remote viewer may be connected once per stream: count ids, not connections.
  peerConnected = ({ peerId }: { peerId: string }) => {
    this.connectedIds.set(peerId, (this.connectedIds.get(peerId) ?? 0) + 1);
    this.changed = true;
  };

  peerClosed = ({ peerId }: { peerId: string }) => {
    const left = (this.connectedIds.get(peerId) ?? 0) - 1;
    if (left > 0) this.connectedIds.set(peerId, left);
    else this.connectedIds.delete(peerId);
    this.changed = true;
  };

  /** The totals now: the same object until something changes (cheap to compare). */
  current(): Transfer {
    if (this.changed) {
      this.snapshot = { ...this.totals, senders: this.senderIds.size, connected: this.connectedIds.size };
      this.changed = false;
    }
    return this.snapshot;
  }
}
