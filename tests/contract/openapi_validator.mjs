// Validates the server's answers against the OpenAPI document it serves (ajv, JSON Schema
// 2020-12, the dialect of OpenAPI 3.1). An answer whose path, method or status is not in the
// document fails too: the document must list every answer the server gives.
//
// Usage: const v = await contractValidator(baseUrl);
//        v.check('GET', '/api/v1/jobs/123', 200, body)  -> throws on a mismatch
//        const f = v.checkingFetch(fetch)                -> a fetch that checks JSON answers

import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const DOC_ID = 'pitchreel-openapi.json';

export async function contractValidator(baseUrl) {
  const res = await fetch(`${baseUrl}/api/v1/openapi.json`);
  if (!res.ok) throw new Error(`GET /api/v1/openapi.json answered ${res.status}`);
  return makeValidator(await res.json());
}

export function makeValidator(doc) {
  // strict: false lets the OpenAPI keywords (x-..., examples inside properties) through.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: DOC_ID, components: doc.components });
  const compiled = new Map();
  const routes = Object.entries(doc.paths).map(([template, item]) => ({
    template,
    regex: new RegExp(
      '^' + template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{key\}/g, '.+').replace(/\{[^}]+\}/g, '[^/]+') + '$',
    ),
    item,
  }));
  const checked = [];

  function schemaFor(method, pathname, status, mediaType) {
    const route = routes.find((r) => r.regex.test(pathname));
    if (!route) throw new Error(`${method} ${pathname}: no such path in the OpenAPI document`);
    const op = route.item[method.toLowerCase()];
    if (!op) throw new Error(`${method} ${route.template}: no such operation in the OpenAPI document`);
    const response = op.responses[String(status)];
    if (!response) {
      throw new Error(`${method} ${route.template} answered ${status}, which the OpenAPI document does not list`);
    }
    const content = response.content?.[mediaType];
    if (!content) {
      throw new Error(`${method} ${route.template} ${status}: the document gives no ${mediaType} body`);
    }
    const key = `${op.operationId} ${status} ${mediaType}`;
    if (!compiled.has(key)) {
      // Rebase the document's local references onto the schema registered above.
      const schema = JSON.parse(JSON.stringify(content.schema).replaceAll('"#/components/', `"${DOC_ID}#/components/`));
      compiled.set(key, ajv.compile(schema));
    }
    return { validate: compiled.get(key), operationId: op.operationId, template: route.template };
  }

  function check(method, url, status, body, mediaType = 'application/json') {
    const pathname = new URL(url, 'http://x').pathname;
    const { validate, operationId } = schemaFor(method, pathname, status, mediaType);
    if (!validate(body)) {
      throw new Error(
        `${method} ${pathname} ${status} (${operationId}) does not match the OpenAPI document:\n` +
          ajv.errorsText(validate.errors, { separator: '\n' }) +
          `\nbody: ${JSON.stringify(body).slice(0, 2000)}`,
      );
    }
    checked.push(`${operationId} ${status}`);
    return body;
  }

  // The job events of an SSE body ("event: job\ndata: {...}") checked as Job objects.
  function checkEvents(url, text) {
    const pathname = new URL(url, 'http://x').pathname;
    const route = routes.find((r) => r.regex.test(pathname));
    const sse = route?.item.get?.responses['200']?.content?.['text/event-stream'];
    if (!sse) throw new Error(`${pathname}: the document gives no event stream`);
    const validate = ajv.compile({ $ref: `${DOC_ID}${sse['x-event-data'].$ref}` });
    const events = [];
    for (const block of text.split('\n\n')) {
      const name = block.match(/^event: (.*)$/m)?.[1];
      const data = block.match(/^data: (.*)$/m)?.[1];
      if (!data) continue;
      if (name !== sse['x-event-name']) throw new Error(`unexpected event ${name}`);
      const job = JSON.parse(data);
      if (!validate(job)) throw new Error(`event data does not match: ${ajv.errorsText(validate.errors)}\n${data}`);
      events.push(job);
    }
    checked.push(`${route.item.get.operationId} event`);
    return events;
  }

  // A fetch that checks every JSON answer it receives (the body stays readable).
  function checkingFetch(inner = fetch) {
    return async (input, init = {}) => {
      const res = await inner(input, init);
      const type = res.headers.get('content-type') || '';
      if (type.startsWith('application/json')) {
        const url = typeof input === 'string' ? input : input.url;
        const method = (init.method || (typeof input === 'object' && input.method) || 'GET').toUpperCase();
        check(method, url, res.status, await res.clone().json());
      }
      return res;
    };
  }

  return { doc, ajv, check, checkEvents, checkingFetch, checked, docId: DOC_ID };
}
