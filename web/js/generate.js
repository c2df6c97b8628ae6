// The "New video" form: photo (upload with drag and drop and a preview, or a URL),
// product text, "Suggest script", the script with a live counter (the limit is enforced
// here before anything is sent), voice with a spoken preview, shape, height, captions,
// and the presenter and engine controls when the server offers them.

import { h } from './dom.js';
import { clearFieldError, showError, showFieldError } from './field_errors.js';
import { characterCount } from './format.js';
import { voiceGroups } from './voices.js';

const $ = (id) => document.getElementById(id);
const ASPECT_LABELS = { '16:9': '16:9 landscape', '9:16': '9:16 portrait', '1:1': '1:1 square' };

function newIdempotencyKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export class GenerateForm {
  constructor(api, info, { onQueued }) {
    this.api = api;
    this.info = info;
    this.onQueued = onQueued;
    this.limit = info.maxScriptCharacters || 500;
    this.file = null;
    this.previewUrl = null;
    this.setupOptions();
    this.setupImage();
    this.setupScript();
    $('voice-preview').addEventListener('click', () => this.previewVoice());
    $('generate-form').addEventListener('submit', (e) => {
      e.preventDefault();
      this.submit();
    });
  }

  setupOptions() {
    const aspects = $('aspect-options');
    aspects.setAttribute('role', 'radiogroup');
    aspects.setAttribute('aria-label', 'Shape');
    aspects.replaceChildren(
      ...(this.info.aspects || ['16:9']).map((a, i) =>
        h('label', {}, h('input', { type: 'radio', name: 'aspect', value: a, checked: i === 0 }), ` ${ASPECT_LABELS[a] || a}`),
      ),
    );
    const heights = this.info.heights || [1080];
    $('height').replaceChildren(...heights.map((v) => h('option', { value: String(v), text: `${v}p` })));
    $('height').value = String(heights.includes(1080) ? 1080 : heights[0]);
    const engines = this.info.engines || [];
    $('engine-field').hidden = engines.length < 2;
    $('engine').replaceChildren(...engines.map((e) => h('option', { value: e, text: e })));
    const features = this.info.features || {};
    const layouts = features.layouts || [];
    $('presenter-fields').hidden = !features.presenter;
    $('layout').replaceChildren(...layouts.map((l) => h('option', { value: l, text: l })));
    $('layout').closest('.field').hidden = layouts.length === 0;
    $('voice-preview').hidden = !features.voicePreview;
  }

  async loadVoices() {
    try {
      const { voices } = await this.api.get('/api/v1/voices');
      // Grouped by language, each voice labelled with its locale, speaker and gender.
      const uiLocale = document.documentElement.lang || 'en';
      $('voice').replaceChildren(
        ...voiceGroups(voices, { uiLocale }).map((group) =>
          h('optgroup', { label: group.label }, ...group.options.map((o) => h('option', { value: o.value, text: o.label, title: o.title }))),
        ),
      );
      // Voice ids carry their backend (espeak:en-us); older servers list plain ids.
      const preferred = ['espeak:en-us', 'en-us'].find((id) => voices.some((v) => v.id === id));
      $('voice').value = preferred || voices[0]?.id || '';
    } catch (e) {
      showError(e, 'voice-error');
    }
  }

  setupImage() {
    for (const radio of document.querySelectorAll('input[name="image-source"]')) {
      radio.addEventListener('change', () => {
        const url = radio.value === 'url' && radio.checked;
        $('image-url-panel').hidden = !url;
        $('image-file-panel').hidden = url;
        clearFieldError('image');
      });
    }
    $('image-file').addEventListener('change', () => this.useFile($('image-file').files[0] || null));
    const zone = $('dropzone');
    zone.addEventListener('dragover', (e) => {
      e.preventDefault();
      zone.classList.add('dragging');
    });
    zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
    zone.addEventListener('drop', (e) => {
      e.preventDefault();
      zone.classList.remove('dragging');
      const file = e.dataTransfer?.files?.[0];
      if (file) this.useFile(file);
    });
    $('image-url').addEventListener('input', () => clearFieldError('image'));
    // A preview of what the address shows; the server fetches it itself when the job is sent.
    $('image-url').addEventListener('change', () => {
      const img = $('image-url-preview');
      const url = $('image-url').value.trim();
      img.hidden = true;
      if (!/^https?:\/\//i.test(url)) return;
      img.onload = () => {
        img.hidden = false;
      };
      img.onerror = () => {
        img.hidden = true;
      };
      img.src = url;
    });
  }

  useFile(file) {
    clearFieldError('image');
    this.file = file;
    if (this.previewUrl) URL.revokeObjectURL(this.previewUrl);
    this.previewUrl = null;
    const img = $('image-preview');
    if (!file) {
      img.hidden = true;
      $('image-name').textContent = '';
      return;
    }
    $('image-name').textContent = `${file.name} (${Math.round(file.size / 1024)} KB)`;
    this.previewUrl = URL.createObjectURL(file);
    img.onload = () => {
      img.hidden = false;
    };
    // The server has the last word (it reads more formats than some browsers).
    img.onerror = () => {
      img.hidden = true;
    };
    img.src = this.previewUrl;
  }

  setupScript() {
    $('script').addEventListener('input', () => this.updateCounter());
    $('suggest').addEventListener('click', () => this.suggest());
    $('product-name').addEventListener('input', () => clearFieldError('product-name'));
    $('product-id').addEventListener('input', () => clearFieldError('product-id'));
    this.updateCounter();
  }

  // Returns whether the script fits.
  updateCounter() {
    const n = characterCount($('script').value);
    const over = n > this.limit;
    const counter = $('script-counter');
    counter.textContent = `${n} / ${this.limit} characters`;
    counter.classList.toggle('over', over);
    $('generate-submit').disabled = over;
    if (over) {
      showFieldError('script', `The script has ${n} characters; the limit is ${this.limit}. Remove ${n - this.limit} to send it.`);
    } else {
      clearFieldError('script');
    }
    return !over;
  }

  async suggest() {
    clearFieldError('product-name');
    const productName = $('product-name').value.trim();
    if (!productName) {
      showFieldError('product-name', 'Enter the product name first: the suggested script starts with it.');
      $('product-name').focus();
      return;
    }
    const button = $('suggest');
    button.disabled = true;
    try {
      const { script } = await this.api.post('/api/v1/scripts/suggest', {
        json: { productName, productDescription: $('product-description').value },
      });
      $('script').value = script;
      this.updateCounter();
    } catch (e) {
      showError(e, 'product-name-error');
    } finally {
      button.disabled = false;
    }
  }

  async previewVoice() {
    clearFieldError('voice');
    const button = $('voice-preview');
    button.disabled = true;
    try {
      const res = await this.api.get(`/api/v1/voices/${encodeURIComponent($('voice').value)}/preview`, { raw: true });
      const url = URL.createObjectURL(await res.blob());
      const audio = new Audio(url);
      audio.addEventListener('ended', () => URL.revokeObjectURL(url));
      await audio.play();
    } catch (e) {
      if (e.code) showError(e, 'voice-error');
      else showFieldError('voice', 'The browser could not play the sample.');
    } finally {
      button.disabled = false;
    }
  }

  clearErrors() {
    for (const f of ['image', 'script', 'product-name', 'product-id', 'voice', 'portrait', 'form']) clearFieldError(f);
  }

  buildRequest() {
    const form = new FormData();
    const fromUrl = document.querySelector('input[name="image-source"]:checked').value === 'url';
    if (fromUrl) {
      const url = $('image-url').value.trim();
      if (!url) return showFieldError('image', 'Enter the address of the product photo (https://…).') && null;
      form.append('imageUrl', url);
    } else {
      if (!this.file) return showFieldError('image', 'Choose or drop a product photo (JPEG, PNG or WebP).') && null;
      form.append('image', this.file, this.file.name);
    }
    const script = $('script').value.trim();
    const name = $('product-name').value.trim();
    if (!script && !name) {
      showFieldError('script', 'Write a script, or enter a product name and press "Suggest script".');
      return null;
    }
    if (script) form.append('script', script);
    if (name) form.append('productName', name);
    const description = $('product-description').value.trim();
    if (description) form.append('productDescription', description);
    const productId = $('product-id').value.trim();
    if (productId) form.append('productId', productId);
    if ($('voice').value) form.append('voice', $('voice').value);
    form.append('aspect', document.querySelector('input[name="aspect"]:checked')?.value || '16:9');
    form.append('height', $('height').value);
    form.append('captions', $('captions').checked ? 'true' : 'false');
    if (!$('engine-field').hidden) form.append('engine', $('engine').value);
    if (!$('presenter-fields').hidden) {
      const portrait = $('portrait').files[0];
      // A layout only means something with a portrait; without one the server renders the
      // product alone (showcase).
      if (portrait) {
        form.append('avatar', portrait, portrait.name);
        if (!$('layout').closest('.field').hidden) form.append('layout', $('layout').value);
      }
    }
    return form;
  }

  async submit() {
    this.clearErrors();
    // The limit is checked here, so an over-long script never leaves the page.
    if (!this.updateCounter()) {
      $('script').focus();
      return;
    }
    const form = this.buildRequest();
    if (!form) return;
    const button = $('generate-submit');
    button.disabled = true;
    button.textContent = 'Sending…';
    try {
      const job = await this.api.post('/api/v1/jobs', { form, headers: { 'Idempotency-Key': newIdempotencyKey() } });
      const script = $('script').value.trim();
      const label = $('product-name').value.trim() || (script.length > 40 ? `${script.slice(0, 40)}…` : script);
      this.onQueued(job, label);
    } catch (e) {
      const where = showError(e, 'form-error');
      document.getElementById(where)?.scrollIntoView({ block: 'center' });
    } finally {
      button.textContent = 'Generate video';
      this.updateCounter();
    }
  }
}
