// The voice picker's contents: each voice labelled with its locale in words, then the
// speaker's name and gender when the server knows them ("German (Germany) — Katja,
// female"), grouped by language. Built from the fields of GET /api/v1/voices (id,
// backend, language, locale, gender, name); locale and language names come from the
// browser's Intl.DisplayNames in the page's language. No DOM here, so Node can test it.

const DASH = ' \u2014 ';
const OTHER_GROUP = 'Other voices';

function namer(uiLocale) {
  try {
    return new Intl.DisplayNames([uiLocale, 'en'], { type: 'language', languageDisplay: 'standard', fallback: 'none' });
  } catch {
    return null; // an old browser without DisplayNames: voices are shown by their names
  }
}

// "de-DE" -> "German (Germany)"; "" for a tag the browser cannot name or that is not
// well-formed BCP-47 (DisplayNames throws a RangeError), and without DisplayNames.
function nameOf(names, tag) {
  if (!tag || !names) return '';
  try {
    return names.of(tag) || '';
  } catch {
    return '';
  }
}

const same = (a, b) => a.localeCompare(b, undefined, { sensitivity: 'base' }) === 0;

// The speaker's own name: "Microsoft Katja Online (Natural) - German (Germany)" and
// "Katja - German (Germany)" give "Katja"; a name that only repeats the language
// ("German", "English (America)") gives nothing, unless `variety` asks for what tells
// it from its neighbours: "English (Lancaster)" gives "Lancaster".
function speakerName(voice, languageName, localeName, variety) {
  let name = (voice.name || '').trim().replace(/^Microsoft\s+/, '').replace(/\s+Online\s+\(Natural\)/, '');
  const dash = name.indexOf(' - ');
  if (dash > 0) name = name.slice(0, dash).trim();
  if (!name || same(name, voice.id) || (localeName && same(name, localeName))) return '';
  if (languageName && name.toLowerCase().startsWith(languageName.toLowerCase())) {
    const inner = /\(([^)]+)\)\s*$/.exec(name);
    return variety && inner ? inner[1].trim() : '';
  }
  return name;
}

// One option's text; `withBackend` adds the backend when the list mixes several,
// `variety` the variety a name gives in parentheses (to tell apart same-locale voices).
export function voiceLabel(voice, { uiLocale = 'en', withBackend = false, variety = false } = {}) {
  const names = namer(uiLocale);
  const language = voice.language || (voice.locale || '').split('-')[0];
  const languageName = nameOf(names, language);
  const localeName = nameOf(names, voice.locale);
  const gender = voice.gender === 'female' || voice.gender === 'male' ? voice.gender : '';
  const speaker = speakerName(voice, languageName, localeName, variety);
  const place = localeName || languageName;
  let label;
  if (place) {
    const details = [speaker, gender].filter(Boolean).join(', ');
    label = details ? place + DASH + details : place;
  } else {
    label = [voice.name || voice.id, gender].filter(Boolean).join(', ');
  }
  return withBackend && voice.backend ? `${label} \u00b7 ${voice.backend}` : label;
}

// [{label: 'German', options: [{value, label, title}]}], groups by language name with
// voices of no known language last, each sorted by label.
export function voiceGroups(voices, { uiLocale = 'en' } = {}) {
  const names = namer(uiLocale);
  const withBackend = new Set(voices.map((v) => v.backend).filter(Boolean)).size > 1;
  const groups = new Map();
  for (const voice of voices) {
    const language = voice.language || (voice.locale || '').split('-')[0];
    const group = nameOf(names, language) || OTHER_GROUP;
    if (!groups.has(group)) groups.set(group, []);
    groups.get(group).push({ voice, value: voice.id, label: voiceLabel(voice, { uiLocale, withBackend }), title: voice.id });
  }
  // Voices that would read the same ("English (United Kingdom) — male" four times) say
  // their variety ("Lancaster", "Received Pronunciation").
  for (const options of groups.values()) {
    const seen = new Map();
    for (const o of options) seen.set(o.label, (seen.get(o.label) || 0) + 1);
    for (const o of options) {
      if (seen.get(o.label) > 1) o.label = voiceLabel(o.voice, { uiLocale, withBackend, variety: true });
      delete o.voice;
    }
  }
  const order = (a, b) => (a === OTHER_GROUP) - (b === OTHER_GROUP) || a.localeCompare(b, uiLocale);
  return [...groups.keys()].sort(order).map((label) => ({
    label,
    options: groups.get(label).sort((a, b) => a.label.localeCompare(b.label, uiLocale) || a.value.localeCompare(b.value)),
  }));
}
