import { describe, expect, it } from 'vitest';
import { NO_TRANSFER, TransferTally, describeTransfer } from './transfer';

describe('describeTransfer', () => {
  it('says how much came from peers and how much over HTTP, in words', () => {
    expect(describeTransfer({ fromPeers: 1.2 * 1024 * 1024, overHttp: 3.4 * 1024 * 1024, toPeers: 0, senders: 1, connected: 1 })).toBe(
      'P2P: 1.2 MB from 1 peer, 3.4 MB over HTTP; 1 peer connected',
    );
  });

  it('adds what was sent to others, and counts peers in the plural', () => {
    expect(describeTransfer({ fromPeers: 0, overHttp: 2048, toPeers: 800 * 1024, senders: 0, connected: 2 })).toBe(
      'P2P: 0 B from 0 peers, 2.0 KB over HTTP; 800 KB sent to others; 2 peers connected',
    );
  });
});

describe('TransferTally', () => {
  it('adds segments by source and counts distinct senders', () => {
    const tally = new TransferTally();
    expect(tally.current()).toBe(NO_TRANSFER);
    tally.segmentLoaded({ bytesLength: 1000, downloadSource: 'http', peerId: undefined });
    tally.segmentLoaded({ bytesLength: 500, downloadSource: 'p2p', peerId: 'peer-a' });
    tally.segmentLoaded({ bytesLength: 700, downloadSource: 'p2p', peerId: 'peer-a' });
    tally.chunkUploaded(300);
    expect(tally.current()).toEqual({ fromPeers: 1200, overHttp: 1000, toPeers: 300, senders: 1, connected: 0 });
  });

  it('keeps the same snapshot until something changes', () => {
    const tally = new TransferTally();
    tally.chunkUploaded(1);
    const first = tally.current();
    expect(tally.current()).toBe(first);
    tally.chunkUploaded(1);
    expect(tally.current()).not.toBe(first);
  });

  it('counts a viewer connected on two streams once, until both close', () => {
    const tally = new TransferTally();
    tally.peerConnected({ peerId: 'a' });
    tally.peerConnected({ peerId: 'a' });
    tally.peerConnected({ peerId: 'b' });
    expect(tally.current().connected).toBe(2);
    tally.peerClosed({ peerId: 'a' });
    expect(tally.current().connected).toBe(2);
    tally.peerClosed({ peerId: 'a' });
    tally.peerClosed({ peerId: 'b' });
    expect(tally.current().connected).toBe(0);
  });
});
