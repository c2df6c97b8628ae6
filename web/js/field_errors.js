// Puts the server's error next to the field it concerns. Each field has a
// <p id="{field}-error"> after it; the input gets aria-invalid so screen readers tell.

import { UNREACHABLE } from './api.js';
import { formatWait } from './format.js';

// Error code -> the field it belongs to (form-level when absent).
const FIELD_OF = {
  script_too_long: 'script',
  script_empty: 'script',
  script_unspeakable: 'script',
  script_missing: 'script',
  product_name_missing: 'product-name',
  invalid_product_id: 'product-id',
  voice_not_found: 'voice',
  image_missing: 'image',
  image_empty: 'image',
  image_unreadable: 'image',
  image_truncated: 'image',
  image_too_large: 'image',
  image_url_forbidden: 'image',
  image_url_invalid: 'image',
  image_fetch_failed: 'image',
  image_url_unreachable: 'image',
  body_too_large: 'image',
  unsupported_media_type: 'image',
  no_face_found: 'portrait',
  portrait_unreadable: 'portrait',
};

const INPUT_OF = {
  script: 'script',
  'product-name': 'product-name',
  'product-id': 'product-id',
  voice: 'voice',
  image: 'image-file',
  portrait: 'portrait',
  music: 'music',
};

export function fieldFor(code) {
  if (FIELD_OF[code]) return FIELD_OF[code];
  if (code.startsWith('image_')) return 'image';
  if (code.startsWith('music_')) return 'music';
  return null;
}

// What to tell the user: the server's message, plus the wait for limits.
export function messageFor(error) {
  if (error.code === 'server_unreachable') return UNREACHABLE;
  let text = error.message;
  if ((error.code === 'rate_limited' || error.code === 'queue_full') && error.retryAfter > 0) {
    text += ` You can try again in ${formatWait(error.retryAfter)}.`;
  }
  return text;
}

export function showFieldError(field, text) {
  const p = document.getElementById(`${field}-error`);
  if (!p) return false;
  p.textContent = text;
  p.hidden = false;
  const input = document.getElementById(INPUT_OF[field] || field);
  if (input) input.setAttribute('aria-invalid', 'true');
  return true;
}

export function clearFieldError(field) {
  const p = document.getElementById(`${field}-error`);
  if (p) {
    p.textContent = '';
    p.hidden = true;
  }
  const input = document.getElementById(INPUT_OF[field] || field);
  if (input) input.removeAttribute('aria-invalid');
}

// Shows `error` next to its field when the field is on the page, else in `fallbackId`.
// Returns the id of the element that now holds the message.
export function showError(error, fallbackId) {
  const text = messageFor(error);
  let field = fieldFor(error.code || '');
  if (field === 'portrait' && document.getElementById('presenter-fields')?.hidden) field = 'image';
  if (field && showFieldError(field, text)) return `${field}-error`;
  showFieldError(fallbackId.replace(/-error$/, ''), text);
  return fallbackId;
}
