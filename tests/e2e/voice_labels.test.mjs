// The voice picker's labels and groups (web/js/voices.js), from the fields of
// GET /api/v1/voices, in Node alone (no browser, no server): the browser test
// (web_ui.test.mjs) checks the same labels in the real picker.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { readFile } from 'node:fs/promises';

// web/js holds the browser's ES modules without a package.json saying so: Node 18 takes a
// .js file there for CommonJS (newer Nodes detect the syntax), so the module is imported
// from its source, as the browser reads it.
const source = await readFile(new URL('../../web/js/voices.js', import.meta.url), 'utf8');
const { voiceGroups, voiceLabel } = await import(
  `data:text/javascript;base64,${Buffer.from(source).toString('base64')}`
);

const katja = { id: 'edge:de-DE-KatjaNeural', backend: 'edge', language: 'de', locale: 'de-DE', gender: 'female', name: 'Katja - German (Germany)' };
const aria = {
  id: 'edge:en-US-AriaNeural',
  backend: 'edge',
  language: 'en',
  locale: 'en-US',
  gender: 'female',
  name: 'Microsoft Aria Online (Natural) - English (United States)',
};
const espeakEnglish = { id: 'espeak:en-us', backend: 'espeak', language: 'en', locale: 'en-US', gender: 'male', name: 'English (America)' };
const espeakGerman = { id: 'espeak:de', backend: 'espeak', language: 'de', locale: 'de', gender: 'male', name: 'German' };
const alloy = { id: 'openai:alloy', backend: 'openai', language: '', locale: '', gender: 'unknown', name: 'alloy' };

test('a voice is labelled with its locale in words, its speaker and gender', () => {
  assert.equal(voiceLabel(katja), 'German (Germany) \u2014 Katja, female');
  // The service's friendly name gives the speaker's name alone.
  assert.equal(voiceLabel(aria), 'English (United States) \u2014 Aria, female');
  assert.equal(voiceLabel({ ...katja, locale: 'de-AT', gender: 'unknown' }), 'German (Austria) \u2014 Katja');
  assert.equal(voiceLabel({ ...aria, locale: 'pt-BR', language: 'pt', name: 'Francisca - Portuguese (Brazil)' }),
    'Portuguese (Brazil) \u2014 Francisca, female');
});

test('a name that only repeats the language is not shown as a speaker', () => {
  assert.equal(voiceLabel(espeakEnglish), 'English (United States) \u2014 male');
  assert.equal(voiceLabel(espeakGerman), 'German \u2014 male');
});

test('a voice without a usable locale is shown by its name', () => {
  assert.equal(voiceLabel(alloy), 'alloy');
  assert.equal(voiceLabel({ ...alloy, locale: 'not a tag!', gender: 'female' }), 'alloy, female');
});

test('voices are grouped by language, other voices last, with the backend when several are listed', () => {
  const groups = voiceGroups([alloy, espeakGerman, aria, katja, espeakEnglish]);
  assert.deepEqual(groups.map((g) => g.label), ['English', 'German', 'Other voices']);
  assert.deepEqual(groups[1].options, [
    { value: 'espeak:de', label: 'German \u2014 male \u00b7 espeak', title: 'espeak:de' },
    { value: 'edge:de-DE-KatjaNeural', label: 'German (Germany) \u2014 Katja, female \u00b7 edge', title: 'edge:de-DE-KatjaNeural' },
  ]);
  assert.deepEqual(groups[2].options.map((o) => o.value), ['openai:alloy']);
  // One backend only: nothing to tell apart.
  const edgeOnly = voiceGroups([katja, aria]);
  assert.deepEqual(edgeOnly.flatMap((g) => g.options.map((o) => o.label)), [
    'English (United States) \u2014 Aria, female',
    'German (Germany) \u2014 Katja, female',
  ]);
});

test('voices that would read the same say their variety', () => {
  const gb = { backend: 'espeak', language: 'en', gender: 'male' };
  const groups = voiceGroups([
    { ...gb, id: 'espeak:en-gb', locale: 'en-GB', name: 'English (Great Britain)' },
    { ...gb, id: 'espeak:en-gb-x-gbclan', locale: 'en-GB-x-gbclan', name: 'English (Lancaster)' },
    { ...gb, id: 'espeak:en-us', locale: 'en-US', name: 'English (America)' },
  ]);
  assert.deepEqual(groups[0].options.map((o) => o.label), [
    'English (United Kingdom) \u2014 Great Britain, male',
    'English (United Kingdom) \u2014 Lancaster, male',
    'English (United States) \u2014 male',
  ]);
});
