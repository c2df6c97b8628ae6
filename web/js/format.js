// How numbers, sizes, durations and dates are shown.

export function formatBytes(bytes) {
  if (!Number.isFinite(bytes) || bytes < 0) return '';
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

// 75.4 -> "1:15"
export function formatDuration(seconds) {
  if (!Number.isFinite(seconds) || seconds < 0) return '';
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

// Unix seconds -> local date and time.
export function formatDate(unixSeconds) {
  if (!unixSeconds) return '';
  return new Date(unixSeconds * 1000).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

// Retry-After seconds -> "about 10 minutes".
export function formatWait(seconds) {
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} seconds`;
  const minutes = Math.round(seconds / 60);
  return minutes === 1 ? 'about a minute' : `about ${minutes} minutes`;
}

// The script's length as the server counts it: Unicode code points.
export function characterCount(text) {
  return [...text].length;
}

// Stage names the server reports -> words.
const STAGES = {
  queued: 'Waiting in the queue',
  starting: 'Starting',
  script: 'Writing the script',
  image: 'Reading the photo',
  presenter: 'Finding the face',
  speech: 'Making the voice',
  waiting_for_gpu: 'Waiting for the GPU',
  render: 'Rendering the picture',
  compose: 'Composing the GPU video',
  finalize: 'Finishing',
  upload: 'Saving',
  done: 'Done',
};
export function stageLabel(stage) {
  if (!stage) return '';
  return STAGES[stage] || stage.charAt(0).toUpperCase() + stage.slice(1);
}
