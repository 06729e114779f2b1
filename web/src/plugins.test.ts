import { describe, expect, it } from 'vitest';
import { fieldKind, formValues, settingsBody, type RegisteredSetting } from './plugins';

const registered: RegisteredSetting[] = [
  { name: 'word', label: 'Word', type: 'input', default: 'refused', private: false, descriptionHTML: null },
  { name: 'on', label: 'On', type: 'input-checkbox', default: true, private: false, descriptionHTML: null },
  { name: 'mode', label: 'Mode', type: 'select', default: 'a', private: true, descriptionHTML: null, options: [{ value: 'a', label: 'A' }] },
  { name: 'intro', label: 'Intro', type: 'html', default: null, private: true, descriptionHTML: null, html: '<p>Hi</p>' },
  { name: 'notes', label: 'Notes', type: 'markdown-text', default: null, private: true, descriptionHTML: null },
];

describe('plugin settings', () => {
  it('fills the form with stored values, else the defaults, leaving html out', () => {
    expect(formValues(registered, { word: 'cats', on: 'false' })).toEqual({ word: 'cats', on: false, mode: 'a', notes: '' });
  });

  it('sends back every editable value and no html block', () => {
    expect(settingsBody(registered, { word: 'dogs', on: true, mode: 'a', notes: '' })).toEqual({
      settings: { word: 'dogs', on: true, mode: 'a', notes: '' },
    });
  });

  it('edits each setting type with its field', () => {
    expect(registered.map((s) => fieldKind(s.type))).toEqual(['text', 'checkbox', 'select', 'html', 'textarea']);
    expect(fieldKind('input-password')).toBe('password');
  });
});
