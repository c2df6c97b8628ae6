// The Webhooks panel (owners and admins): add an endpoint (its secret is shown once), and
// for each endpoint its state (with the reason when disabled), a test ping, the recent
// deliveries with each attempt, enable/disable and delete. Everything goes through
// /api/v1/webhooks; errors are shown in the server's words.

import { messageFor } from './field_errors.js';
import { h } from './dom.js';

const $ = (id) => document.getElementById(id);

function when(unixSeconds) {
  return new Date(unixSeconds * 1000).toLocaleString();
}

export class WebhookPanel {
  constructor(api) {
    this.api = api;
    $('webhook-form').addEventListener('submit', (e) => {
      e.preventDefault();
      this.add();
    });
  }

  showError(text) {
    $('webhook-error').textContent = text || '';
    $('webhook-error').hidden = !text;
    if (text) $('webhook-url').setAttribute('aria-invalid', 'true');
    else $('webhook-url').removeAttribute('aria-invalid');
  }

  async add() {
    const url = $('webhook-url').value.trim();
    this.showError('');
    $('webhook-secret').hidden = true;
    if (!url) return this.showError('Enter the https:// URL pitchreel should call.');
    try {
      const created = await this.api.post('/api/v1/webhooks', { json: { url } });
      $('webhook-url').value = '';
      const secret = $('webhook-secret');
      secret.replaceChildren(
        'Signing secret (shown only now, store it with your backend): ',
        h('code', { class: 'secret', text: created.secret }),
      );
      secret.hidden = false;
      await this.load();
    } catch (e) {
      this.showError(messageFor(e));
    }
  }

  async load() {
    let list;
    try {
      list = (await this.api.get('/api/v1/webhooks')).webhooks;
    } catch (e) {
      return this.showError(messageFor(e));
    }
    $('webhooks-empty').hidden = list.length > 0;
    $('webhook-list').replaceChildren(...list.map((w) => this.item(w)));
  }

  item(w) {
    const deliveries = h('ul', { class: 'delivery-list', hidden: true });
    const status = w.enabled
      ? h('span', { class: 'status status-ok', text: 'enabled' })
      : h('span', { class: 'status status-bad', text: `disabled: ${w.disabledReason || ''}` });
    const act = (label, run, cls = 'secondary small') => h('button', { type: 'button', class: cls, text: label, onclick: run });
    return h(
      'li',
      { class: 'webhook', 'data-id': w.id },
      h('p', {}, h('code', { text: w.url }), ' ', status),
      h('p', { class: 'help', text: `Events: ${w.events.length ? w.events.join(', ') : 'all'}` }),
      h(
        'div',
        { class: 'actions' },
        act('Send test', () => this.run(() => this.api.post(`/api/v1/webhooks/${w.id}/test`), () => this.showDeliveries(w, deliveries))),
        act('Deliveries', () => this.showDeliveries(w, deliveries)),
        act(w.enabled ? 'Disable' : 'Enable', () => this.run(() => this.api.patch(`/api/v1/webhooks/${w.id}`, { json: { enabled: !w.enabled } }))),
        act('Delete', () => this.run(() => this.api.delete(`/api/v1/webhooks/${w.id}`)), 'danger small'),
      ),
      deliveries,
    );
  }

  async run(call, then) {
    this.showError('');
    try {
      await call();
      await this.load();
      if (then) await then();
    } catch (e) {
      this.showError(messageFor(e));
    }
  }

  async showDeliveries(w, into) {
    const target = document.querySelector(`li.webhook[data-id="${w.id}"] .delivery-list`) || into;
    try {
      const { deliveries } = await this.api.get(`/api/v1/webhooks/${w.id}/deliveries?limit=10`);
      target.replaceChildren(
        ...(deliveries.length
          ? deliveries.map((d) =>
              h(
                'li',
                { class: 'delivery' },
                h('span', { text: `${d.type} · ${d.status} · ${d.attempts} attempt(s)` }),
                h(
                  'ul',
                  {},
                  ...d.attemptLog.map((a) =>
                    h('li', { text: `${when(a.attemptedAt)} — ${a.httpStatus ?? 'no answer'} — ${a.latencyMs} ms${a.error ? ` — ${a.error}` : ''}` }),
                  ),
                ),
              ),
            )
          : [h('li', { class: 'help', text: 'No deliveries yet.' })]),
      );
      target.hidden = false;
    } catch (e) {
      this.showError(messageFor(e));
    }
  }
}
