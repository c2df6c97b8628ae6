// The jobs this tab started (and those it resumes after a reload): one card each with
// stage, percent, queue position, elapsed time, an estimate and cancel; when the video is
// ready the card plays it. Several run at once; the user keeps working meanwhile.

import { h } from './dom.js';
import { JobFollower, isFinal } from './events.js';
import { messageFor } from './field_errors.js';
import { formatDuration, stageLabel } from './format.js';
import { videoView } from './player.js';

const RESUME_KEY = 'pitchreel.jobs';

export class JobList {
  constructor(api, { list, empty, section, onFinished }) {
    this.api = api;
    this.list = list;
    this.empty = empty;
    this.section = section;
    this.onFinished = onFinished;
    this.cards = new Map();
    this.timer = setInterval(() => this.tick(), 1000);
  }

  // Ids of unfinished jobs, kept for this tab so a reload picks them up again.
  remember() {
    const ids = [...this.cards.values()].filter((c) => !c.final).map((c) => c.id);
    sessionStorage.setItem(RESUME_KEY, JSON.stringify(ids));
  }

  async resume() {
    let ids = [];
    try {
      ids = JSON.parse(sessionStorage.getItem(RESUME_KEY) || '[]');
    } catch {
      ids = [];
    }
    for (const id of ids) {
      try {
        this.add(await this.api.get(`/api/v1/jobs/${id}`));
      } catch {
        // gone or not ours any more: nothing to resume
      }
    }
    this.remember();
  }

  clear() {
    for (const card of this.cards.values()) card.follower?.stop();
    this.cards.clear();
    this.list.replaceChildren();
    this.update();
  }

  update() {
    this.empty.hidden = this.cards.size > 0;
  }

  // `label` names the card (the product name or the script's start); resumed jobs have none.
  add(job, label = '') {
    if (this.cards.has(job.id)) return;
    const card = this.buildCard(job, label);
    this.cards.set(job.id, card);
    this.list.prepend(card.el);
    this.update();
    this.render(card, job);
    if (!isFinal(job)) {
      card.follower = new JobFollower(
        this.api,
        job.id,
        (j) => this.render(card, j),
        (e) => {
          card.notice.textContent = messageFor(e);
          card.notice.hidden = false;
        },
      );
    }
    this.remember();
  }

  buildCard(job, label) {
    const title = h('h3', { class: 'job-title', text: label || (job.productId ? `Product ${job.productId}` : 'New video') });
    const state = h('p', { class: 'job-state', 'aria-live': 'polite' });
    const bar = h('progress', { max: 100, value: 0, 'aria-label': 'Progress' });
    const percent = h('span', { class: 'job-percent', text: '0%' });
    const timing = h('p', { class: 'help job-timing' });
    const notice = h('p', { class: 'field-error', role: 'alert', hidden: true });
    const result = h('div', { class: 'job-result' });
    const cancel = h('button', { type: 'button', class: 'secondary small', text: 'Cancel' });
    const dismiss = h('button', { type: 'button', class: 'secondary small', text: 'Dismiss', hidden: true });
    const el = h(
      'li',
      { class: 'job', 'data-job-id': job.id, 'aria-label': 'Video job' },
      h('div', { class: 'label-row' }, title, h('div', { class: 'actions' }, cancel, dismiss)),
      state,
      h('div', { class: 'progress-row' }, bar, percent),
      timing,
      notice,
      result,
    );
    const card = { id: job.id, el, state, bar, percent, timing, notice, result, cancel, dismiss, startedAt: Date.now() };
    card.runningSince = null;
    card.final = false;
    cancel.addEventListener('click', () => this.cancel(card));
    dismiss.addEventListener('click', () => {
      card.follower?.stop();
      el.remove();
      this.cards.delete(card.id);
      this.update();
      this.remember();
    });
    return card;
  }

  async cancel(card) {
    card.cancel.disabled = true;
    try {
      this.render(card, await this.api.post(`/api/v1/jobs/${card.id}/cancel`));
    } catch (e) {
      if (e.status !== 409) {
        card.notice.textContent = messageFor(e);
        card.notice.hidden = false;
        card.cancel.disabled = false;
      }
    }
  }

  render(card, job) {
    card.job = job;
    const pct = Math.round((job.progress || 0) * 100);
    const shown = job.status === 'succeeded' ? 100 : pct;
    card.bar.value = shown;
    card.bar.setAttribute('aria-valuetext', `${shown}%`);
    card.percent.textContent = `${shown}%`;
    card.el.dataset.status = job.status;
    if (job.status === 'queued') {
      // queuePosition counts the queued jobs ahead of this one (0: it is next).
      const ahead = job.queuePosition;
      if (ahead === undefined || ahead === null) card.state.textContent = 'Waiting in the queue';
      else if (ahead === 0) card.state.textContent = 'Waiting: next in the queue';
      else card.state.textContent = `Waiting: ${ahead} ${ahead === 1 ? 'video' : 'videos'} ahead in the queue`;
    } else if (job.status === 'running') {
      if (card.runningSince === null) {
        card.runningSince = Date.now();
        card.progressAtStart = job.progress || 0;
      }
      card.state.textContent = `${stageLabel(job.stage)}…`;
    } else if (job.status === 'succeeded') {
      card.state.textContent = 'Ready';
    } else if (job.status === 'failed') {
      card.state.textContent = 'Failed';
      card.notice.textContent = job.error ? `${job.error.message} (${job.error.code})` : 'The video could not be made.';
      card.notice.hidden = false;
    } else if (job.status === 'canceled') {
      card.state.textContent = 'Canceled';
    }
    if (isFinal(job) && !card.final) {
      card.final = true;
      card.finishedAt = Date.now();
      card.cancel.hidden = true;
      card.dismiss.hidden = false;
      if (job.video) card.result.replaceChildren(videoView(job.video, { label: 'The generated video' }));
      this.remember();
      this.onFinished?.(job);
    }
    this.tick(card);
  }

  // Elapsed time since the job was sent; an estimate from the pace of its progress.
  tick(only) {
    for (const card of only ? [only] : this.cards.values()) {
      const job = card.job;
      if (!job) continue;
      const end = card.final ? card.finishedAt : Date.now();
      let text = `Elapsed ${formatDuration((end - card.startedAt) / 1000)}`;
      const done = (job.progress || 0) - (card.progressAtStart || 0);
      if (!card.final && job.status === 'running' && card.runningSince !== null && done > 0.05) {
        const running = (Date.now() - card.runningSince) / 1000;
        const left = (running * (1 - job.progress)) / done;
        text += ` · about ${formatDuration(left)} left`;
      }
      card.timing.textContent = text;
    }
  }
}
