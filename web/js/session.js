// Where the sign-in token lives: localStorage when the user asks to stay signed in,
// sessionStorage (gone with the tab) otherwise. Sign-out clears both.

const KEY = 'pitchreel.token';

export function loadToken() {
  return localStorage.getItem(KEY) || sessionStorage.getItem(KEY);
}

export function isRemembered() {
  return localStorage.getItem(KEY) !== null;
}

export function saveToken(token, remember) {
  clearToken();
  (remember ? localStorage : sessionStorage).setItem(KEY, token);
}

export function clearToken() {
  localStorage.removeItem(KEY);
  sessionStorage.removeItem(KEY);
}

// The first-run URL printed by `pitchreel serve` ends in #key=<api key>. The key is taken
// and removed from the address bar (and from history) before anything else runs.
export function takeKeyFromAddress() {
  const hash = location.hash.replace(/^#/, '');
  if (!hash) return null;
  const params = new URLSearchParams(hash);
  const key = params.get('key');
  if (!key) return null;
  params.delete('key');
  const rest = params.toString();
  history.replaceState(null, '', location.pathname + location.search + (rest ? `#${rest}` : ''));
  return key;
}
