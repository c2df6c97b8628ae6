// A jsdom document for Testing Library under node:test. Only what Node lacks is taken from
// the window (document, elements, events); fetch, Blob, File, FormData and URL stay Node's,
// so the component talks to the real server through the real fetch.
import { File as NodeFile } from 'node:buffer';

import { JSDOM } from 'jsdom';

// Node 18 has File only in node:buffer (a global from Node 20): make it the global before
// the window's own File could take its place, or Node's fetch would send jsdom Files empty.
if (typeof globalThis.File === 'undefined') globalThis.File = NodeFile;

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
