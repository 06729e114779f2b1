import { describe, expect, it } from 'vitest';
import { passwordsError, updateOf, withoutPasswordPrivacy, type VideoFields } from './VideoForm';

const base: VideoFields = {
  name: 'A video',
  channelId: '3',
  privacy: '1',
  category: '',
  licence: '',
  language: '',
  tags: '',
  description: '',
  nsfw: false,
  commentsPolicy: '1',
  passwords: '',
};

describe('password-protected videos in the video form', () => {
  it('sends the passwords only for a password-protected video', () => {
    expect(updateOf({ ...base, passwords: 'ignored' })).not.toHaveProperty('videoPasswords');
    expect(updateOf({ ...base, privacy: '5', passwords: 'one\ntwo' }).videoPasswords).toEqual(['one', 'two']);
    // Empty: the video keeps the passwords it has.
    expect(updateOf({ ...base, privacy: '5' })).not.toHaveProperty('videoPasswords');
  });

  it('needs passwords when a video becomes protected, not when it already is', () => {
    expect(passwordsError({ ...base, privacy: '5' }, false)).toMatch(/at least one/);
    expect(passwordsError({ ...base, privacy: '5' }, true)).toBeNull();
    expect(passwordsError({ ...base, privacy: '5', passwords: 'a' }, true)).toMatch(/2 to 99/);
    expect(passwordsError({ ...base, privacy: '5', passwords: 'same\nsame' }, false)).toMatch(/different/);
    expect(passwordsError({ ...base, privacy: '1' }, true)).toBeNull();
  });

  it('leaves password protection out of the privacies offered before the upload', () => {
    const privacies = { '1': 'Public', '2': 'Unlisted', '3': 'Private', '4': 'Internal', '5': 'Password protected' };
    expect(Object.keys(withoutPasswordPrivacy(privacies))).toEqual(['1', '2', '3', '4']);
  });
});
