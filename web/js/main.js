// Starts the page: asks the server what it offers (/api/v1/info), signs in from the
// first-run URL (#key=...), the stored token or the form, then shows what the caller's
// role allows. Any 401 afterwards (key revoked, JWT expired) returns to sign-in.

import { Api } from './api.js';
import { BatchView, loadUsage } from './batches.js';
import { messageFor } from './field_errors.js';
import { Gallery } from './gallery.js';
import { GenerateForm } from './generate.js';
import { JobList } from './jobs.js';
import { clearToken, isRemembered, loadToken, saveToken, takeKeyFromAddress } from './session.js';
import { WebhookPanel } from './webhooks.js';

const $ = (id) => document.getElementById(id);
const api = new Api();
let info = null;
let form = null;
let jobs = null;
let gallery = null;
let webhooks = null;
let batches = null;

function showBanner(text) {
  $('banner').textContent = text;
  $('banner').hidden = !text;
}

function showSignIn(message) {
  api.token = null;
  jobs?.clear();
  $('app').hidden = true;
  $('account').hidden = true;
  $('signin').hidden = false;
  $('signin-message').textContent = message || '';
  $('signin-message').hidden = !message;
  $('signin-token').value = '';
  $('signin-token').focus();
}

async function loadInfo() {
  try {
    info = await api.get('/api/v1/info');
    $('server-info').textContent = `pitchreel ${info.version} · engine: ${info.engine}`;
    if (info.auth?.jwt) {
      $('signin-label').textContent = 'API key or JWT';
      $('signin-help').textContent =
        'Paste your API key (it starts with prk_) or the access token (JWT) your sign-in provider gave you.';
    }
    showBanner('');
    return true;
  } catch (e) {
    $('server-info').textContent = 'Server unreachable';
    showBanner(messageFor(e));
    return false;
  }
}

// Checks the token with the server and shows the app for the caller's role.
async function signIn(token, remember) {
  api.token = token;
  let me;
  try {
    me = await api.get('/api/v1/me', { reportUnauthorized: false });
  } catch (e) {
    api.token = null;
    throw e;
  }
  saveToken(token, remember);
  $('signin').hidden = true;
  $('app').hidden = false;
  $('account').hidden = false;
  $('account-role').textContent = `Signed in as ${me.role}`;
  $('generate').hidden = !me.canGenerate;
  $('jobs').hidden = !me.canGenerate;
  // Owners and admins (the roles that may generate) manage the organisation's webhooks.
  $('webhooks').hidden = !me.canGenerate;
  if (me.canGenerate) {
    webhooks ??= new WebhookPanel(api);
    webhooks.load();
  }
  $('batch').hidden = !me.canGenerate;
  if (me.canGenerate && !batches) batches = new BatchView(api);
  loadUsage(api);
  gallery.reset(me.canDelete);
  if (me.canGenerate) {
    if (!form) {
      form = new GenerateForm(api, info, { onQueued: (job, label) => jobs.add(job, label) });
    }
    form.loadVoices();
    jobs.resume();
  }
  gallery.load();
  $('main').focus();
}

function setupSignInForm() {
  $('signin-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const token = $('signin-token').value.trim();
    const error = $('signin-error');
    error.hidden = true;
    $('signin-token').removeAttribute('aria-invalid');
    if (!token) {
      error.textContent = 'Paste your API key first.';
      error.hidden = false;
      $('signin-token').setAttribute('aria-invalid', 'true');
      return;
    }
    try {
      await signIn(token, $('signin-remember').checked);
    } catch (err) {
      error.textContent =
        err.status === 401 ? 'This key or token was not accepted: it is wrong, revoked or expired.' : messageFor(err);
      error.hidden = false;
      $('signin-token').setAttribute('aria-invalid', 'true');
    }
  });
  $('sign-out').addEventListener('click', () => {
    clearToken();
    sessionStorage.removeItem('pitchreel.jobs');
    showSignIn('You are signed out.');
  });
}

async function start() {
  const fromAddress = takeKeyFromAddress();
  jobs = new JobList(api, {
    list: $('job-list'),
    empty: $('jobs-empty'),
    section: $('jobs'),
    onFinished: () => gallery.load(),
  });
  gallery = new Gallery(api);
  setupSignInForm();
  api.onUnauthorized = () => {
    clearToken();
    showSignIn('Your session has ended: the key was revoked or the token expired. Sign in again.');
  };
  if (!(await loadInfo())) {
    // Retry quietly until the server answers.
    const retry = setInterval(async () => {
      if (await loadInfo()) {
        clearInterval(retry);
        resumeSession(fromAddress);
      }
    }, 5000);
    return;
  }
  resumeSession(fromAddress);
}

async function resumeSession(fromAddress) {
  const token = fromAddress || loadToken();
  if (!token) return showSignIn();
  try {
    // The first-run link is the owner's own machine: keep them signed in.
    await signIn(token, fromAddress ? true : isRemembered());
  } catch (e) {
    if (e.status === 401) {
      clearToken();
      showSignIn(fromAddress ? 'The key in the address was not accepted.' : 'Your session has ended. Sign in again.');
    } else {
      showSignIn(messageFor(e));
    }
  }
}

start();
