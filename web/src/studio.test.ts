import { describe, expect, it } from 'vitest';
import { editedDuration, studioForm, type StudioChoices } from './studio';

const none: StudioChoices = {
  cutStart: null,
  cutEnd: null,
  removed: [],
  intro: null,
  outro: null,
  watermark: null,
  saveAsNewVideo: false,
};

function entries(form: FormData): Array<[string, string]> {
  return [...form.entries()].map(([k, v]) => [k, typeof v === 'string' ? v : `file:${(v as File).name}`]);
}

describe('studioForm', () => {
  it('sends nothing when nothing was chosen, and no cut that keeps everything', () => {
    expect(entries(studioForm(none, 10))).toEqual([]);
    expect(entries(studioForm({ ...none, cutStart: 0, cutEnd: 10 }, 10))).toEqual([]);
  });

  it('numbers the tasks in PeerTube order with their options and files', () => {
    const mark = new File(['png'], 'mark.png', { type: 'image/png' });
    const form = studioForm(
      { ...none, cutStart: 2.4, removed: [{ start: 1, end: 2 }, { start: 5, end: 4 }], watermark: mark, saveAsNewVideo: true },
      10,
    );
    expect(entries(form)).toEqual([
      ['tasks[0][name]', 'cut'],
      ['tasks[0][options][start]', '2'],
      ['tasks[1][name]', 'remove-segments'],
      ['tasks[1][options][segments][0][start]', '1'],
      ['tasks[1][options][segments][0][end]', '2'],
      ['tasks[2][name]', 'add-watermark'],
      ['tasks[2][options][file]', 'file:mark.png'],
      ['saveAsNewVideo', 'true'],
    ]);
  });
});

describe('editedDuration', () => {
  it('is what the cut keeps less the segments taken out', () => {
    expect(editedDuration(none, 10)).toBe(10);
    expect(editedDuration({ ...none, cutStart: 2 }, 10)).toBe(8);
    expect(editedDuration({ ...none, cutStart: 2, cutEnd: 8, removed: [{ start: 1, end: 2 }] }, 10)).toBe(5);
  });
});
