import { describe, expect, it } from 'vitest';
import type { CustomConfig } from '../types';
import { configProblems, getPath, sectionOf, setPath, shownFields, CONFIG_SECTIONS } from './configForm';
import { ADMINISTRATOR, assignableRoles, canManage, hasRight, MODERATOR, pageAt, pagesFor, Right, seesAdministration, USER } from './rights';
import { newUserProblems, quotaLabel, quotaOptions } from './userForm';

describe('rights per role', () => {
  it('gives an administrator every page, a moderator the moderation pages, a user none', () => {
    const admin = pagesFor(ADMINISTRATOR).map((p) => p.path);
    expect(admin).toContain('settings');
    expect(admin).toContain('appearance');
    expect(admin).toContain('plugins');
    expect(admin).toContain('follows');
    const moderator = pagesFor(MODERATOR).map((p) => p.path);
    expect(moderator).toEqual(['users', 'registrations', 'comments', 'abuses', 'video-blocks', 'blocklist', 'watched-words']);
    expect(pagesFor(USER)).toEqual([]);
    expect(pagesFor(undefined)).toEqual([]);
    expect(seesAdministration(MODERATOR)).toBe(true);
    expect(seesAdministration(USER)).toBe(false);
  });

  it('keeps PeerTube’s moderator rights', () => {
    expect(hasRight(MODERATOR, Right.MANAGE_VIDEO_BLACKLIST)).toBe(true);
    expect(hasRight(MODERATOR, Right.MANAGE_CONFIGURATION)).toBe(false);
    expect(hasRight(MODERATOR, Right.MANAGE_SERVER_FOLLOW)).toBe(false);
    expect(hasRight(MODERATOR, Right.MANAGE_PLUGINS)).toBe(false);
    expect(hasRight(ADMINISTRATOR, Right.MANAGE_PLUGINS)).toBe(true);
    expect(hasRight(USER, Right.MANAGE_USERS)).toBe(false);
  });

  it('lets moderators manage plain users only, and give no role with rights', () => {
    expect(canManage(MODERATOR, USER)).toBe(true);
    expect(canManage(MODERATOR, MODERATOR)).toBe(false);
    expect(canManage(MODERATOR, ADMINISTRATOR)).toBe(false);
    expect(canManage(ADMINISTRATOR, ADMINISTRATOR)).toBe(true);
    expect(canManage(USER, USER)).toBe(false);
    expect(assignableRoles(MODERATOR)).toEqual([USER]);
    expect(assignableRoles(ADMINISTRATOR)).toEqual([ADMINISTRATOR, MODERATOR, USER]);
  });

  it('finds the page an address names', () => {
    expect(pageAt('/admin/settings')?.path).toBe('settings');
    expect(pageAt('/admin/users/12')?.path).toBe('users');
    expect(pageAt('/admin')).toBeUndefined();
    expect(pageAt('/admin/nothing')).toBeUndefined();
  });
});

const config = (): CustomConfig =>
  ({
    instance: { name: 'Cirrus', shortDescription: '', description: '', terms: '', customizations: { css: '', javascript: '' } },
    signup: { enabled: true, limit: 10, requiresApproval: false, requiresEmailVerification: false, minimumAge: 16 },
    user: { videoQuota: -1, videoQuotaDaily: -1 },
    admin: { email: '' },
    live: { enabled: false },
  }) as unknown as CustomConfig;

describe('the settings form', () => {
  it('reads and writes a field by its path without touching the rest', () => {
    const before = config();
    const after = setPath(before, 'signup.limit', 5);
    expect(getPath(after, 'signup.limit')).toBe(5);
    expect(getPath(before, 'signup.limit')).toBe(10);
    expect(after.instance).toBe(before.instance);
    expect(getPath(setPath(before, 'transcoding.hls.enabled', true), 'transcoding.hls.enabled')).toBe(true);
    expect(getPath(before, 'nothing.here')).toBeUndefined();
  });

  it('refuses what the server refuses, by field', () => {
    expect(configProblems(config())).toEqual({});
    let bad = setPath(config(), 'signup.limit', -2);
    bad = setPath(bad, 'instance.name', '  ');
    bad = setPath(bad, 'admin.email', 'nobody');
    bad = setPath(bad, 'user.videoQuota', 1.5);
    expect(Object.keys(configProblems(bad)).sort()).toEqual(['admin.email', 'instance.name', 'signup.limit', 'user.videoQuota']);
  });

  it('shows only the fields the server sent, and knows each field’s section', () => {
    const live = CONFIG_SECTIONS.find((s) => s.id === 'live')!;
    expect(shownFields(config(), live).map((f) => f.path)).toEqual(['live.enabled']);
    expect(sectionOf('signup.limit')).toBe('signup');
    expect(sectionOf('nope')).toBeUndefined();
  });
});

describe('the new-user form', () => {
  const good = { username: 'jane_doe', email: 'jane@example.org', password: 'secret-enough', role: USER, videoQuota: -1, videoQuotaDaily: 0 };
  it('accepts a good user and says what is wrong with a bad one', () => {
    expect(newUserProblems(good, [USER])).toEqual({});
    const problems = newUserProblems({ ...good, username: 'Jane Doe', email: 'jane', password: '123', role: ADMINISTRATOR }, [USER]);
    expect(Object.keys(problems).sort()).toEqual(['email', 'password', 'role', 'username']);
  });

  it('names quotas, and keeps an unusual one among the choices', () => {
    expect(quotaLabel(-1)).toBe('Unlimited');
    expect(quotaLabel(1024 ** 3)).toBe('1 GB');
    expect(quotaLabel(3 * 1024 ** 3)).toBe('3.0 GB');
    const options = quotaOptions(3 * 1024 ** 3);
    expect(options[0]!.value).toBe(-1);
    expect(options.map((o) => o.label)).toContain('3.0 GB');
  });
});

import { followHandle, followTargets, videoIdFrom } from './targets';

describe('what a moderator types', () => {
  it('splits instances from channels to follow', () => {
    expect(followTargets('peertube.example\n@chan@videos.example, https://Other.Example/about\n\npeertube.example')).toEqual({
      hosts: ['peertube.example', 'other.example'],
      handles: ['chan@videos.example'],
    });
  });

  it('finds the video an address names', () => {
    expect(videoIdFrom('http://localhost:9000/w/kXz3yQ9e2')).toBe('kXz3yQ9e2');
    expect(videoIdFrom('https://tube.example/videos/watch/9c9de5e8-0a1e-484a-b099-e80766180a6d?start=3')).toBe(
      '9c9de5e8-0a1e-484a-b099-e80766180a6d',
    );
    expect(videoIdFrom(' 42 ')).toBe('42');
    expect(videoIdFrom('not a video')).toBeNull();
    expect(videoIdFrom('')).toBeNull();
  });

  it('names an instance follow by its host and a channel follow by its handle', () => {
    expect(followHandle({ name: 'peertube', host: 'a.example' })).toBe('a.example');
    expect(followHandle({ name: 'chan', host: 'a.example' })).toBe('chan@a.example');
  });
});
