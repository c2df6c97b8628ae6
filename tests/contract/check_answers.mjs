// Checks answers recorded by another test suite against the OpenAPI document.
//
//   node check_answers.mjs openapi.json answers.jsonl
//
// Each line of answers.jsonl is {"method", "path", "status", "body"} (body: the parsed JSON
// answer). The C++ integration suites record every JSON answer their clients receive from a
// `pitchreel serve` (tests/support/answer_log.*) and run this when the server goes away, so
// those answers are held to the same document as the Node suites' (openapi_validator.mjs).
//
// Rules: an answer of a documented operation must have a documented status and match its
// schema. Answers that no operation describes (errors of the HTTP layer before any route,
// such as 413 or 431, unknown paths, and error statuses an operation does not list) must
// still be the documented Error object. Exit status 1 with one paragraph per mismatch.

import fs from 'node:fs';

import { makeValidator } from './openapi_validator.mjs';

const [docPath, answersPath] = process.argv.slice(2);
if (!docPath || !answersPath) {
  console.error('usage: node check_answers.mjs openapi.json answers.jsonl');
  process.exit(2);
}
const v = makeValidator(JSON.parse(fs.readFileSync(docPath, 'utf8')));
const errorSchema = v.ajv.compile({ $ref: `${v.docId}#/components/schemas/Error` });
const failures = [];
let checked = 0;
for (const line of fs.readFileSync(answersPath, 'utf8').split('\n')) {
  if (!line.trim()) continue;
  const { method, path, status, body } = JSON.parse(line);
  checked += 1;
  try {
    v.check(method, path, status, body);
  } catch (err) {
    const undocumented = /no such path|no such operation|does not list/.test(err.message);
    if (undocumented && status >= 400) {
      if (!errorSchema(body)) {
        failures.push(`${method} ${path} ${status}: not the documented Error object: ` +
          `${v.ajv.errorsText(errorSchema.errors)}\nbody: ${JSON.stringify(body).slice(0, 1000)}`);
      }
      continue;
    }
    if (/no such path/.test(err.message)) continue;  // a JSON file served under /files, say
    failures.push(err.message);
  }
}
if (failures.length) {
  console.error(`${failures.length} of ${checked} recorded answers do not match the OpenAPI document:\n\n` +
    failures.join('\n\n'));
  process.exit(1);
}
console.log(`${checked} recorded answers match the OpenAPI document`);
