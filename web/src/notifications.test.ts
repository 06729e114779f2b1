import { describe as suite, expect, it } from 'vitest';
import { describe, NotificationType, type UserNotification } from './notifications';

const at = '2026-01-01T00:00:00.000Z';
const base = { id: 1, read: false, createdAt: at, updatedAt: at };
const actor = (name: string, displayName = name) => ({ id: 7, name, displayName, host: 'example.org' });
const video = { id: 3, uuid: 'u-u-i-d', shortUUID: 'short', name: 'Cats' };

suite('describe', () => {
  it('words a subscription video and links to it by short UUID', () => {
    const n: UserNotification = { ...base, type: NotificationType.NEW_VIDEO_FROM_SUBSCRIPTION, video: { ...video, channel: actor('cats', 'Cat channel') } };
    expect(describe(n)).toEqual({ text: 'Cat channel published a new video: Cats', link: '/w/short' });
  });

  it('words PeerTube 8.2 ownership change offers and their answers, linking to the ownership tab', () => {
    const changeOwnership = { id: 4, state: { id: 1, label: 'Pending' }, initiatorAccount: actor('alice', 'Alice'), nextOwnerAccount: actor('bob', 'Bob'), video };
    const offered: UserNotification = { ...base, type: NotificationType.VIDEO_OWNERSHIP_CHANGED_REQUEST, changeOwnership };
    expect(describe(offered)).toEqual({ text: 'Alice wants to give you Cats', link: '/my-library/ownership' });
    const refused: UserNotification = { ...base, type: NotificationType.VIDEO_OWNERSHIP_CHANGED_REJECTED, changeOwnership };
    expect(describe(refused).text).toBe('Bob refused Cats');
    const accepted: UserNotification = { ...base, type: NotificationType.VIDEO_OWNERSHIP_CHANGED_ACCEPTED, changeOwnership };
    expect(describe(accepted).text).toBe('Bob accepted Cats');
  });

  it('says a studio edit is published, and links to the video', () => {
    const n: UserNotification = { ...base, type: NotificationType.MY_VIDEO_STUDIO_EDITION_FINISHED, video: { ...video, channel: actor('cats') } };
    expect(describe(n)).toEqual({ text: 'Your edit of Cats is published', link: '/w/short' });
  });

  it('says when a comment waits for approval', () => {
    const comment = { id: 9, threadId: 9, account: actor('bob'), video, heldForReview: true };
    const n: UserNotification = { ...base, type: NotificationType.NEW_COMMENT_ON_MY_VIDEO, comment };
    expect(describe(n).text).toBe('bob commented on your video Cats (awaiting your approval)');
  });

  it('names the channel followed', () => {
    const actorFollow = {
      id: 4,
      state: 'accepted',
      follower: actor('carol'),
      following: { type: 'channel' as const, name: 'cats', displayName: 'Cat channel', host: 'example.org' },
    };
    expect(describe({ ...base, type: NotificationType.NEW_FOLLOW, actorFollow }).text).toBe('carol follows your channel Cat channel');
  });

  it('words a channel invitation and its answer', () => {
    const invitation = { id: 5, state: { id: 1, label: 'Pending' }, channel: actor('cats', 'Cat channel'), channelOwner: actor('alice', 'Alice'), account: actor('bob', 'Bob') };
    expect(describe({ ...base, type: NotificationType.INVITED_TO_COLLABORATE_TO_CHANNEL, videoChannelCollaborator: invitation })).toEqual({
      text: 'Alice invited you to collaborate on Cat channel',
      link: undefined,
    });
    const accepted = { ...invitation, state: { id: 2, label: 'Accepted' } };
    expect(describe({ ...base, type: NotificationType.ACCEPTED_TO_COLLABORATE_TO_CHANNEL, videoChannelCollaborator: accepted })).toEqual({
      text: 'Bob accepted to collaborate on Cat channel',
      link: '/c/cats',
    });
    expect(describe({ ...base, type: NotificationType.REFUSED_TO_COLLABORATE_TO_CHANNEL, videoChannelCollaborator: invitation }).text).toBe(
      'Bob declined to collaborate on Cat channel',
    );
  });

  it('has a text for every type, even those it does not know', () => {
    for (let type = 1; type <= 25; type++) expect(describe({ ...base, type }).text).not.toBe('');
  });
});
