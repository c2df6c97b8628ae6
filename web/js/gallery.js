// The organisation's videos: a grid of posters with product, date, duration and size,
// a product filter, pages (the API's cursors), a player dialog, and delete with a
// confirmation for those allowed to (owners and admins; members never see the button).

import { h } from './dom.js';
import { messageFor } from './field_errors.js';
import { formatBytes, formatDate, formatDuration } from './format.js';
import { videoView } from './player.js';

const $ = (id) => document.getElementById(id);
// Videos per page: the grid's data-page-size (12 in index.html).
const pageSize = () => Number($('gallery-grid').dataset.pageSize) || 12;

export class Gallery {
  constructor(api) {
    this.api = api;
    this.canDelete = false;
    this.cursors = ['']; // cursor of each page seen so far; the last one is shown
    this.next = null;
    this.product = '';
    $('gallery-filter').addEventListener('submit', (e) => {
      e.preventDefault();
      this.product = $('gallery-product').value.trim();
      this.cursors = [''];
      this.load();
    });
    $('gallery-refresh').addEventListener('click', () => this.load());
    $('gallery-next').addEventListener('click', () => {
      if (!this.next) return;
      this.cursors.push(this.next);
      this.load();
    });
    $('gallery-prev').addEventListener('click', () => {
      if (this.cursors.length < 2) return;
      this.cursors.pop();
      this.load();
    });
    for (const dialog of document.querySelectorAll('dialog')) {
      dialog.addEventListener('close', () => dialog.querySelector('video')?.pause());
      dialog.querySelector('[data-close]')?.addEventListener('click', () => dialog.close());
    }
  }

  reset(canDelete) {
    this.canDelete = canDelete;
    this.cursors = [''];
    this.product = '';
    $('gallery-product').value = '';
    $('gallery-grid').replaceChildren();
  }

  async load() {
    const status = $('gallery-status');
    status.textContent = 'Loading…';
    const params = new URLSearchParams({ limit: String(pageSize()) });
    if (this.product) params.set('productId', this.product);
    const cursor = this.cursors[this.cursors.length - 1];
    if (cursor) params.set('cursor', cursor);
    let page;
    try {
      page = await this.api.get(`/api/v1/videos?${params}`);
    } catch (e) {
      status.textContent = messageFor(e);
      return;
    }
    this.next = page.nextCursor || null;
    $('gallery-grid').replaceChildren(...page.videos.map((v) => this.card(v)));
    const n = this.cursors.length;
    $('gallery-page').textContent = `Page ${n}`;
    $('gallery-prev').disabled = n < 2;
    $('gallery-next').disabled = !this.next;
    if (page.videos.length === 0) {
      status.textContent = this.product ? `No videos for product "${this.product}".` : 'No videos yet.';
    } else {
      status.textContent = `${page.videos.length} video${page.videos.length === 1 ? '' : 's'} on this page.`;
    }
  }

  card(video) {
    const product = video.productId || 'No product id';
    const label = `${product}, ${formatDate(video.createdAt)}`;
    const poster = h(
      'button',
      { type: 'button', class: 'poster', 'aria-label': `Play the video for ${label}`, onclick: () => this.play(video) },
      h('img', { src: video.posterUrl, alt: '', loading: 'lazy', width: video.width, height: video.height }),
      h('span', { class: 'duration', text: formatDuration(video.durationSec) }),
    );
    const facts = h(
      'div',
      { class: 'facts' },
      h('p', { class: 'product', text: product }),
      h('p', { class: 'help', text: `${formatDate(video.createdAt)} · ${formatDuration(video.durationSec)} · ${formatBytes(video.size)}` }),
    );
    const actions = h(
      'div',
      { class: 'actions' },
      h('a', { class: 'button secondary small', href: video.downloadUrl, download: video.fileName, text: 'Download', 'aria-label': `Download ${video.fileName}` }),
      this.canDelete
        ? h('button', { type: 'button', class: 'danger small', text: 'Delete', 'aria-label': `Delete the video for ${label}`, onclick: () => this.confirmDelete(video) })
        : null,
    );
    return h('li', { class: 'tile', 'data-video-id': video.id }, poster, facts, actions);
  }

  play(video) {
    $('player-title').textContent = video.productId ? `Product ${video.productId}` : 'Video';
    $('player-body').replaceChildren(videoView(video, { label: `Video for ${video.productId || 'the product'}` }));
    $('player-dialog').showModal();
  }

  confirmDelete(video) {
    const dialog = $('confirm-dialog');
    const error = $('confirm-error');
    error.hidden = true;
    const ok = $('confirm-ok');
    const cancel = $('confirm-cancel');
    const close = () => {
      ok.onclick = null;
      cancel.onclick = null;
      dialog.close();
    };
    cancel.onclick = close;
    ok.onclick = async () => {
      ok.disabled = true;
      try {
        await this.api.delete(`/api/v1/videos/${video.id}`);
        close();
        await this.load();
        $('gallery-status').textContent = 'The video was deleted.';
      } catch (e) {
        error.textContent = messageFor(e);
        error.hidden = false;
      } finally {
        ok.disabled = false;
      }
    };
    dialog.showModal();
    cancel.focus();
  }
}
