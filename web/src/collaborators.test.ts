import { describe, expect, it } from 'vitest';
import { inviteHandle, stateText, type Collaborator } from './collaborators';

const collaborator = (state: number): Collaborator => ({
  id: 1,
  account: { id: 2, name: 'bob', displayName: 'Bob', host: 'example.org' },
  state: { id: state, label: '' },
  createdAt: '',
  updatedAt: '',
});

describe('collaborators', () => {
  it('invites local accounts by their name, whatever the user typed', () => {
    expect(inviteHandle(' @bob@Example.org ', 'example.org')).toBe('bob');
    expect(inviteHandle('bob', 'example.org')).toBe('bob');
    expect(inviteHandle('bob@elsewhere.net', 'example.org')).toBe('bob@elsewhere.net');
  });
  it('tells an invitation from a collaborator', () => {
    expect(stateText(collaborator(1))).toBe('Invitation pending');
    expect(stateText(collaborator(2))).toBe('Collaborator');
  });
});
