// The HTTP API as the page uses it: every call carries the bearer token, every failure
// becomes an ApiError with the server's stable code and message (or "server_unreachable"
// when no answer came), and a 401 on a signed-in call reports the session as over.

export class ApiError extends Error {
  constructor(status, code, message, { retryAfter = 0, requestId = '' } = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
    this.requestId = requestId;
  }
}

export const UNREACHABLE =
  'Cannot reach the pitchreel server. Check that it is running and that you are online, then try again.';

export class Api {
  constructor() {
    this.token = null;
    this.onUnauthorized = null; // (ApiError) => void
  }

  // Resolves to the parsed JSON body (or the Response when `raw`); rejects with ApiError.
  // `reportUnauthorized: false` for the sign-in check itself, whose 401 is the form's business.
  async request(method, path, { json, form, signal, raw = false, headers = {}, reportUnauthorized = true } = {}) {
    const sent = { ...headers };
    if (this.token) sent.Authorization = `Bearer ${this.token}`;
    let body;
    if (json !== undefined) {
      sent['Content-Type'] = 'application/json';
      body = JSON.stringify(json);
    } else if (form) {
      body = form;
    }
    let res;
    try {
      res = await fetch(path, { method, headers: sent, body, signal, cache: 'no-store' });
    } catch (e) {
      if (e.name === 'AbortError') throw e;
      throw new ApiError(0, 'server_unreachable', UNREACHABLE);
    }
    if (!res.ok) throw await this.errorFrom(res, reportUnauthorized);
    if (raw) return res;
    return res.json();
  }

  async errorFrom(res, reportUnauthorized) {
    let data = null;
    try {
      data = await res.json();
    } catch {
      data = null;
    }
    const error = new ApiError(
      res.status,
      data?.code || `http_${res.status}`,
      data?.error || `The server answered ${res.status} ${res.statusText}.`,
      { retryAfter: Number(res.headers.get('Retry-After')) || 0, requestId: data?.requestId || '' },
    );
    if (res.status === 401 && reportUnauthorized && this.token && this.onUnauthorized) this.onUnauthorized(error);
    return error;
  }

  get(path, options) {
    return this.request('GET', path, options);
  }
  post(path, options) {
    return this.request('POST', path, options);
  }
  delete(path, options) {
    return this.request('DELETE', path, options);
  }
  patch(path, options) {
    return this.request('PATCH', path, options);
  }
}
