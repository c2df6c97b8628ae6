// The batch view: choose a CSV, preview it (the server validates every row with
// ?dryRun=true and answers each problem with its row and field), start it, follow it
// (the batch's event stream, through fetch so the bearer token goes along), cancel it,
// and open each finished item's video. Also the usage panel: a small inline SVG chart of
// videos and GPU minutes per day, drawn here (nothing from a CDN).

import { h } from './dom.js';
import { messageFor } from './field_errors.js';

const $ = (id) => document.getElementById(id);

export class BatchView {
  constructor(api) {
    this.api = api;
    this.file = null;
    this.following = null; // AbortController of the followed stream
    $('batch-file').addEventListener('change', () => this.choose($('batch-file').files[0]));
    $('batch-preview').addEventListener('click', () => this.preview());
    $('batch-start').addEventListener('click', () => this.start());
    $('batch-cancel').addEventListener('click', () => this.cancel());
  }

  form() {
    const form = new FormData();
    form.append('file', this.file, this.file.name);
    return form;
  }

  say(text, isError = false) {
    $('batch-status').textContent = text;
    $('batch-status').classList.toggle('field-error', isError);
  }

  choose(file) {
    this.file = file || null;
    $('batch-preview').disabled = !this.file;
    $('batch-start').disabled = true;
    $('batch-problems').replaceChildren();
    this.say(this.file ? `${this.file.name}: preview it to check every row.` : '');
  }

  async preview() {
    if (!this.file) return;
    this.say('Checking every row…');
    try {
      const v = await this.api.post('/api/v1/batches?dryRun=true', { form: this.form() });
      this.showProblems(v.problems);
      $('batch-start').disabled = !v.valid;
      this.say(v.valid
        ? `${v.itemCount} products ready to start.`
        : `${v.problems.length} problem(s): fix the rows below, then preview again.`, !v.valid);
    } catch (e) {
      this.say(messageFor(e), true);
    }
  }

  showProblems(problems) {
    $('batch-problems').replaceChildren(...problems.map((p) =>
      h('tr', {}, h('td', { text: p.row ? String(p.row) : '—' }), h('td', { text: p.field || '' }),
        h('td', {}, h('code', { text: p.code })), h('td', { text: p.message }))));
    $('batch-problems-table').hidden = problems.length === 0;
  }

  async start() {
    $('batch-start').disabled = true;
    try {
      const batch = await this.api.post('/api/v1/batches', { form: this.form() });
      this.follow(batch.id);
    } catch (e) {
      this.say(e.code === 'quota_exceeded' || e.code === 'batch_invalid' ? e.message : messageFor(e), true);
      $('batch-start').disabled = false;
    }
  }

  async cancel() {
    if (!this.batchId) return;
    try {
      this.render(await this.api.post(`/api/v1/batches/${this.batchId}/cancel`));
    } catch (e) {
      this.say(messageFor(e), true);
    }
  }

  // Follows the batch's events until it completes, then lists its items with links.
  async follow(id) {
    this.batchId = id;
    this.following?.abort();
    this.following = new AbortController();
    $('batch-cancel').hidden = false;
    try {
      const res = await this.api.get(`/api/v1/batches/${id}/events`, { raw: true, signal: this.following.signal });
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block.split('\n').find((l) => l.startsWith('data: '));
          if (data) this.render(JSON.parse(data.slice(6)));
        }
      }
    } catch (e) {
      if (e.name !== 'AbortError') this.say(messageFor(e), true);
    }
    this.showItems(await this.api.get(`/api/v1/batches/${id}`));
  }

  render(batch) {
    const c = batch.counts;
    $('batch-progress').value = batch.progress;
    $('batch-progress').hidden = false;
    this.say(`${batch.status === 'completed' ? 'Completed' : 'Running'}: ${c.succeeded} made, ${c.failed} failed, ` +
      `${c.canceled} canceled, ${c.running} rendering, ${c.queued} waiting (of ${batch.itemCount}).`);
    $('batch-cancel').hidden = batch.status === 'completed';
  }

  showItems(batch) {
    this.render(batch);
    $('batch-items').replaceChildren(...batch.items.map(({ row, job }) =>
      h('li', {},
        h('span', { text: `Row ${row}${job.productId ? ` (${job.productId})` : ''}: ${job.status}` }),
        job.video ? h('a', { href: job.video.url, target: '_blank', rel: 'noopener', text: ' watch' }) : null,
        job.error ? h('span', { class: 'help', text: ` ${job.error.message}` }) : null)));
  }
}

// Videos (bars) and GPU minutes (line) per day, as inline SVG.
export function usageChart(periods) {
  const ns = 'http://www.w3.org/2000/svg';
  const el = (tag, attrs) => {
    const e = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    return e;
  };
  const width = 320;
  const height = 120;
  const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', class: 'usage-chart',
    'aria-label': 'Videos and GPU minutes per day' });
  const n = Math.max(periods.length, 1);
  const maxVideos = Math.max(1, ...periods.map((p) => p.videos));
  const maxGpu = Math.max(1, ...periods.map((p) => p.gpuSeconds / 60));
  const step = width / n;
  const points = [];
  periods.forEach((p, i) => {
    const barHeight = (p.videos / maxVideos) * (height - 20);
    const bar = el('rect', { x: i * step + 2, y: height - barHeight, width: Math.max(step - 4, 1), height: barHeight, class: 'bar' });
    const title = el('title', {});
    title.textContent = `${p.period}: ${p.videos} videos, ${(p.gpuSeconds / 60).toFixed(1)} GPU minutes`;
    bar.append(title);
    svg.append(bar);
    points.push(`${i * step + step / 2},${height - (p.gpuSeconds / 60 / maxGpu) * (height - 20)}`);
  });
  if (points.length) svg.append(el('polyline', { points: points.join(' '), class: 'gpu-line', fill: 'none' }));
  return svg;
}

export async function loadUsage(api) {
  try {
    const usage = await api.get('/api/v1/usage');
    const t = usage.total;
    $('usage-chart').replaceChildren(usageChart(usage.periods));
    const cost = t.cost?.total !== undefined ? ` · estimated cost ${t.cost.total.toFixed(2)}` : '';
    $('usage-summary').textContent = `${usage.from} to ${usage.to}: ${t.videos} videos, ${t.failed} failed, ` +
      `${(t.gpuSeconds / 60).toFixed(1)} GPU minutes, ${(usage.storedBytes / 1e6).toFixed(1)} MB stored${cost}.`;
  } catch (e) {
    $('usage-summary').textContent = messageFor(e);
  }
}
