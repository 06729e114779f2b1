import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from './api';
import {
  forgetPasswords,
  parsePasswords,
  PASSWORD_HEADER,
  passwordHeaders,
  passwordNeed,
  passwordsProblem,
  rememberPassword,
} from './videoPassword';

afterEach(forgetPasswords);

describe('video passwords', () => {
  it('sends the remembered password under every reference of the video', () => {
    expect(passwordHeaders(7)).toEqual({});
    rememberPassword([7, 'c8297036-0aee-4ec1-925f-9c68a405bde5', undefined], 'open sesame');
    expect(passwordHeaders(7)).toEqual({ [PASSWORD_HEADER]: 'open sesame' });
    expect(passwordHeaders('c8297036-0aee-4ec1-925f-9c68a405bde5')).toEqual({ [PASSWORD_HEADER]: 'open sesame' });
    expect(passwordHeaders(8)).toEqual({});
  });

  it('recognises the two refusals by their PeerTube codes only', () => {
    const problem = (status: number, code?: string) => new ApiError({ status, title: 'Forbidden', code });
    expect(passwordNeed(problem(403, 'video_requires_password'))).toBe('missing');
    expect(passwordNeed(problem(403, 'incorrect_video_password'))).toBe('wrong');
    expect(passwordNeed(problem(403))).toBeNull();
    expect(passwordNeed(problem(401, 'video_requires_password'))).toBeNull();
    expect(passwordNeed(new Error('x'))).toBeNull();
  });

  it('reads one password a line and checks them as the server does', () => {
    expect(parsePasswords(' first \n\nsecond\n')).toEqual(['first', 'second']);
    expect(passwordsProblem([])).toMatch(/at least one/);
    expect(passwordsProblem(['same', 'same'])).toMatch(/different/);
    expect(passwordsProblem(['x'])).toMatch(/2 to 99/);
    expect(passwordsProblem(['y'.repeat(100)])).toMatch(/2 to 99/);
    expect(passwordsProblem(['ok', 'y'.repeat(99)])).toBeNull();
  });
});
