// A jsdom document for Testing Library under node:test. Only what Node lacks is taken from
// the window (document, elements, events); fetch, Blob, File, FormData and URL stay Node's,
// so the component talks to the real server through the real fetch.
import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!doctype html><html><body></body></html>', { url: 'http://localhost/', pretendToBeVisual: true });
for (const key of Object.getOwnPropertyNames(dom.window)) {
  if (key in globalThis || key.startsWith('_')) continue;
  try {
    globalThis[key] = dom.window[key];
  } catch {
    // read-only window properties
  }
}
globalThis.window = dom.window;
globalThis.document = dom.window.document;
globalThis.IS_REACT_ACT_ENVIRONMENT = true;
// jsdom does not play media; the component only sets sources.
dom.window.HTMLMediaElement.prototype.play = () => Promise.resolve();
dom.window.HTMLMediaElement.prototype.pause = () => {};
