// The studio's form as PeerTube's API takes it: `tasks[i][name]`, `tasks[i][options][...]`,
// files as `tasks[i][options][file]`, in the order the tasks run.

export interface StudioChoices {
  /** Keep from `start` to `end` (seconds); null: from the beginning / to the end. */
  cutStart: number | null;
  cutEnd: number | null;
  /** Ranges to take out, in seconds of the cut video. */
  removed: Array<{ start: number; end: number }>;
  intro: File | null;
  outro: File | null;
  watermark: File | null;
  saveAsNewVideo: boolean;
}

/** The tasks the choices amount to, in PeerTube's order (cut, segments, intro, outro,
 * watermark); an empty form when nothing was chosen. */
export function studioForm(choices: StudioChoices, duration: number): FormData {
  const form = new FormData();
  let index = 0;
  const task = (name: string) => {
    form.append(`tasks[${index}][name]`, name);
    return `tasks[${index}][options]`;
  };
  const cutStart = choices.cutStart && choices.cutStart > 0 ? choices.cutStart : null;
  const cutEnd = choices.cutEnd !== null && choices.cutEnd < duration ? choices.cutEnd : null;
  if (cutStart !== null || cutEnd !== null) {
    const options = task('cut');
    if (cutStart !== null) form.append(`${options}[start]`, String(Math.floor(cutStart)));
    if (cutEnd !== null) form.append(`${options}[end]`, String(Math.floor(cutEnd)));
    index += 1;
  }
  const segments = choices.removed.filter((s) => s.end > s.start);
  if (segments.length) {
    const options = task('remove-segments');
    segments.forEach((s, i) => {
      form.append(`${options}[segments][${i}][start]`, String(Math.floor(s.start)));
      form.append(`${options}[segments][${i}][end]`, String(Math.floor(s.end)));
    });
    index += 1;
  }
  for (const [name, file] of [
    ['add-intro', choices.intro],
    ['add-outro', choices.outro],
    ['add-watermark', choices.watermark],
  ] as const) {
    if (!file) continue;
    form.append(`${task(name)}[file]`, file);
    index += 1;
  }
  if (index && choices.saveAsNewVideo) form.append('saveAsNewVideo', 'true');
  return form;
}

/** How long the edited video will be, before intro and outro. */
export function editedDuration(choices: StudioChoices, duration: number): number {
  const start = Math.max(0, choices.cutStart ?? 0);
  const end = Math.min(duration, choices.cutEnd ?? duration);
  const kept = Math.max(0, end - start);
  const removed = choices.removed
    .filter((s) => s.end > s.start)
    .reduce((sum, s) => sum + Math.max(0, Math.min(s.end, kept) - Math.max(0, s.start)), 0);
  return Math.max(0, kept - removed);
}
