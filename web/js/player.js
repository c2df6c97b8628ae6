// A finished video as the page shows it: the player (poster before play, seekable: the
// file route answers Range requests), a download with the stored file name, copy link.

import { h } from './dom.js';
import { formatBytes, formatDuration } from './format.js';

async function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(text);
    return;
  }
  // Plain http on a LAN address is not a secure context: fall back to a selection.
  const area = h('textarea', { readonly: true, class: 'visually-hidden' });
  area.value = text;
  document.body.append(area);
  area.select();
  const ok = document.execCommand('copy');
  area.remove();
  if (!ok) throw new Error('copy refused');
}

export function videoView(video, { label = 'Generated video' } = {}) {
  const player = h('video', {
    class: 'player',
    controls: true,
    preload: 'metadata',
    playsInline: true,
    poster: video.posterUrl,
    src: video.url,
    'aria-label': label,
    width: video.width,
    height: video.height,
  });
  if (video.captionsUrl) {
    player.append(h('track', { kind: 'captions', src: video.captionsUrl, srclang: 'en', label: 'Captions' }));
  }
  const status = h('span', { class: 'copy-status', 'aria-live': 'polite' });
  const copy = h('button', {
    type: 'button',
    class: 'secondary small',
    text: 'Copy link',
    onclick: async () => {
      try {
        await copyText(video.url);
        status.textContent = 'Link copied (valid for a limited time).';
      } catch {
        status.textContent = 'Copying was refused by the browser; right-click the video to copy its address.';
      }
    },
  });
  const download = h('a', {
    class: 'button primary small',
    href: video.downloadUrl,
    download: video.fileName,
    text: 'Download',
    'aria-label': `Download ${video.fileName}`,
  });
  const facts = h('p', {
    class: 'help',
    text: [
      video.fileName,
      formatDuration(video.durationSec),
      video.width && video.height ? `${video.width}×${video.height}` : '',
      formatBytes(video.size),
      video.gpuSeconds > 0 ? `${formatDuration(video.gpuSeconds)} of GPU time` : '',
    ]
      .filter(Boolean)
      .join(' · '),
  });
  // What the render found and made anyway (a soft photo, an offline voice instead of the one
  // asked for): shown with the video so the admin can decide to redo it.
  const warnings = (video.warnings || []).map((w) =>
    h('li', { text: w.message || w.code, 'data-code': w.code }),
  );
  const notes = warnings.length
    ? h('ul', { class: 'render-warnings', 'aria-label': 'Warnings about this video' }, ...warnings)
    : null;
  return h('div', { class: 'video-view' }, player, facts, notes, h('div', { class: 'actions' }, download, copy, status));
}
