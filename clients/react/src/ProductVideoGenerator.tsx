// ProductVideoGenerator: the seed's drop-in component (productId, imageUrl, productName,
// productDescription) on the pitchreel API. It offers what the built-in UI offers: a
// suggested script, a live character counter, voices with a spoken sample, the video's
// shape, progress with stage and percent, the preview, a download link and each error
// beside its field. The API key never belongs in a browser: pass getToken (a Supabase
// session's access token, say) or point baseUrl at your own server route that adds it.

import { useEffect, useId, useMemo, useState } from 'react';
import type { FormEvent } from 'react';
import type { Info, JobInput, PitchreelClient, TokenSource, Video, Voice } from '@pitchreel/client';

import { fieldFor } from './fieldErrors.js';
import type { Field } from './fieldErrors.js';
import { css } from './styles.js';
import { useClient, useVideoJob } from './useVideoJob.js';

export interface ProductVideoGeneratorProps {
  productId?: string;
  imageUrl?: string;
  productName?: string;
  productDescription?: string;
  baseUrl?: string;
  getToken?: TokenSource;
  client?: PitchreelClient;
  onComplete?: (video: Video) => void;
  defaultVoice?: string;
  layout?: JobInput['layout'];
  className?: string;
  title?: string;
}

const STAGES: Record<string, string> = {
  queued: 'Waiting in the queue',
  script: 'Writing the script',
  speech: 'Recording the voice',
  render: 'Rendering the video',
  upload: 'Saving the video',
  done: 'Done',
};

export function ProductVideoGenerator(props: ProductVideoGeneratorProps) {
  const client = useClient(props);
  const job = useVideoJob({ client, onComplete: props.onComplete });
  const id = useId();
  const [info, setInfo] = useState<Info | null>(null);
  const [voices, setVoices] = useState<Voice[]>([]);
  const [script, setScript] = useState('');
  const [voice, setVoice] = useState(props.defaultVoice ?? '');
  const [aspect, setAspect] = useState<string>('16:9');
  const [file, setFile] = useState<File | null>(null);
  const [sample, setSample] = useState<string | null>(null);
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [suggesting, setSuggesting] = useState(false);

  useEffect(() => {
    let live = true;
    client.info().then((i) => live && setInfo(i)).catch(() => {});
    client
      .voices()
      .then((v) => {
        if (!live) return;
        setVoices(v);
        setVoice((current) => current || v[0]?.id || '');
      })
      .catch((e) => live && setErrors((old) => ({ ...old, voice: e.message })));
    return () => {
      live = false;
    };
  }, [client]);
  useEffect(() => () => { if (sample) URL.revokeObjectURL(sample); }, [sample]);

  // The server's errors beside their fields.
  useEffect(() => {
    if (job.error) setErrors({ [fieldFor(job.error.code)]: job.error.message });
  }, [job.error]);

  const limit = info?.maxScriptCharacters ?? 500;
  const length = useMemo(() => [...script].length, [script]);
  const over = length > limit;
  const busy = job.phase === 'submitting' || job.phase === 'queued' || job.phase === 'running';
  const imageMissing = !file && !props.imageUrl;

  async function suggest() {
    setSuggesting(true);
    setErrors((old) => ({ ...old, script: undefined }));
    try {
      const s = await client.suggestScript({
        productName: props.productName ?? '',
        productDescription: props.productDescription ?? '',
      });
      setScript(s.script);
    } catch (e) {
      setErrors((old) => ({ ...old, script: (e as Error).message }));
    } finally {
      setSuggesting(false);
    }
  }

  async function playSample() {
    try {
      const blob = await client.voicePreview(voice);
      setSample(URL.createObjectURL(blob));
    } catch (e) {
      setErrors((old) => ({ ...old, voice: (e as Error).message }));
    }
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const problems: Partial<Record<Field, string>> = {};
    if (imageMissing) problems.image = 'Choose a product photo.';
    if (!script.trim() && !props.productName) problems.script = 'Write a script, or suggest one.';
    if (over) problems.script = `The script has ${length} characters; the limit is ${limit}.`;
    setErrors(problems);
    if (Object.keys(problems).length) return;
    await job.start({
      image: file ?? props.imageUrl,
      script: script.trim() || undefined,
      productId: props.productId,
      productName: props.productName,
      productDescription: props.productDescription,
      voice: voice || undefined,
      aspect: aspect as JobInput['aspect'],
      layout: props.layout,
    });
  }

  const ids = {
    title: `${id}-title`, script: `${id}-script`, counter: `${id}-counter`, voice: `${id}-voice`,
    image: `${id}-image`, err: (f: Field) => `${id}-${f}-error`,
  };
  const describe = (f: Field, ...more: string[]) => [...more, errors[f] ? ids.err(f) : ''].filter(Boolean).join(' ') || undefined;
  const fieldError = (f: Field) =>
    errors[f] ? (
      <p className="prk-error" id={ids.err(f)} role="alert">
        {errors[f]}
      </p>
    ) : null;
  const video = job.video;

  return (
    <section className={['prk-generator', props.className].filter(Boolean).join(' ')} aria-labelledby={ids.title}>
      <style>{css}</style>
      <h2 id={ids.title}>{props.title ?? (props.productName ? `Product video: ${props.productName}` : 'Product video')}</h2>
      <form onSubmit={submit} noValidate>
        <div>
          <label htmlFor={ids.image}>Product photo</label>
          <div className="prk-row">
            {props.imageUrl && !file ? <img className="prk-photo" src={props.imageUrl} alt={props.productName ?? 'Product photo'} /> : null}
            <input
              id={ids.image}
              type="file"
              accept="image/jpeg,image/png,image/webp"
              aria-describedby={describe('image')}
              aria-invalid={errors.image ? true : undefined}
              onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)}
            />
          </div>
          {fieldError('image')}
        </div>

        <div>
          <label htmlFor={ids.script}>Script</label>
          <textarea
            id={ids.script}
            rows={4}
            value={script}
            aria-describedby={describe('script', ids.counter)}
            aria-invalid={over || errors.script ? true : undefined}
            onChange={(e) => setScript(e.currentTarget.value)}
          />
          <div className="prk-row">
            <p id={ids.counter} className={over ? 'prk-error' : 'prk-hint'} aria-live="polite">
              {length} / {limit} characters
            </p>
            <button type="button" onClick={suggest} disabled={suggesting || !props.productName}>
              {suggesting ? 'Suggesting…' : 'Suggest a script'}
            </button>
          </div>
          {fieldError('script')}
        </div>

        <div>
          <label htmlFor={ids.voice}>Voice</label>
          <div className="prk-row">
            <select id={ids.voice} value={voice} onChange={(e) => setVoice(e.currentTarget.value)} aria-describedby={describe('voice')}>
              {voices.map((v) => (
                <option key={v.id} value={v.id}>
                  {v.name || v.id} ({v.language})
                </option>
              ))}
            </select>
            <button type="button" onClick={playSample} disabled={!voice}>
              Play a sample
            </button>
          </div>
          {sample ? <audio src={sample} controls autoPlay aria-label="Voice sample" /> : null}
          {fieldError('voice')}
        </div>

        <fieldset aria-describedby={describe('aspect')}>
          <legend>Shape</legend>
          <div className="prk-row">
            {(info?.aspects ?? ['16:9', '9:16', '1:1']).map((a) => (
              <label key={a}>
                <input type="radio" name={`${id}-aspect`} value={a} checked={aspect === a} onChange={() => setAspect(a)} />{' '}
                {a === '16:9' ? '16:9 landscape' : a === '9:16' ? '9:16 portrait' : '1:1 square'}
              </label>
            ))}
          </div>
          {fieldError('aspect')}
        </fieldset>

        <div className="prk-row">
          <button type="submit" disabled={busy || over}>
            {busy ? 'Making the video…' : 'Make the video'}
          </button>
          {busy && job.job ? (
            <button type="button" onClick={() => job.cancel()}>
              Cancel
            </button>
          ) : null}
        </div>
        {fieldError('form')}
      </form>

      {job.phase !== 'idle' ? (
        <div role="status" aria-live="polite">
          <progress max={100} value={job.percent} aria-label="Video progress" />
          <p className="prk-hint">
            {job.phase === 'succeeded'
              ? 'Your video is ready.'
              : job.phase === 'failed'
                ? 'The video could not be made.'
                : job.phase === 'canceled'
                  ? 'Canceled.'
                  : `${STAGES[job.stage ?? ''] ?? (job.phase === 'submitting' ? 'Uploading' : job.stage)}: ${job.percent}%`}
          </p>
        </div>
      ) : null}

      {video ? (
        <div>
          <video controls src={video.url} poster={video.posterUrl} aria-label={`Video for ${props.productName ?? 'the product'}`}>
            <track kind="captions" src={video.captionsUrl} srcLang="en" label="Captions" default />
          </video>
          <p>
            <a href={video.downloadUrl} download={video.fileName}>
              Download the video ({Math.round(video.size / 1024)} KB)
            </a>
          </p>
        </div>
      ) : null}
    </section>
  );
}
