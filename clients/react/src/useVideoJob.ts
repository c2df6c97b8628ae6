// useVideoJob: one video job's life in React state, for apps that draw their own UI.
// start() queues a job and follows it (events, reconnects, polling) until it finishes;
// cancel() cancels it on the server; unmounting stops following (the job carries on).

import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { JobFailedError, PitchreelClient, PitchreelError } from '@pitchreel/client';
import type { Job, JobInput, TokenSource, Video } from '@pitchreel/client';

export interface VideoJobOptions {
  // Either a client, or what to make one from.
  client?: PitchreelClient;
  baseUrl?: string;
  getToken?: TokenSource;
  onComplete?: (video: Video) => void;
}

export type VideoJobPhase = 'idle' | 'submitting' | 'queued' | 'running' | 'succeeded' | 'failed' | 'canceled';

export interface VideoJobState {
  phase: VideoJobPhase;
  job: Job | null;
  video: Video | null;
  // 0..100
  percent: number;
  stage: string | null;
  error: PitchreelError | null;
  start: (input: JobInput) => Promise<Video | null>;
  cancel: () => Promise<void>;
  reset: () => void;
}

export function useClient(options: Pick<VideoJobOptions, 'client' | 'baseUrl' | 'getToken'>): PitchreelClient {
  const tokenRef = useRef(options.getToken);
  tokenRef.current = options.getToken;
  return useMemo(
    () =>
      options.client ??
      new PitchreelClient({
        baseUrl: options.baseUrl ?? '',
        getToken: () => tokenRef.current?.(),
      }),
    [options.client, options.baseUrl],
  );
}

export function useVideoJob(options: VideoJobOptions = {}): VideoJobState {
  const client = useClient(options);
  const [phase, setPhase] = useState<VideoJobPhase>('idle');
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState<PitchreelError | null>(null);
  const follow = useRef<AbortController | null>(null);
  const onComplete = useRef(options.onComplete);
  onComplete.current = options.onComplete;

  useEffect(() => () => follow.current?.abort(), []);

  const start = useCallback(
    async (input: JobInput): Promise<Video | null> => {
      follow.current?.abort();
      const controller = new AbortController();
      follow.current = controller;
      setError(null);
      setJob(null);
      setPhase('submitting');
      const update = (j: Job) => {
        if (controller.signal.aborted) return;
        setJob(j);
        setPhase(j.status);
      };
      try {
        const created = await client.createJob(input, { signal: controller.signal });
        update(created);
        const done = await client.waitForJob(created.id, { signal: controller.signal, onProgress: update });
        update(done);
        if (done.video) onComplete.current?.(done.video);
        return done.video;
      } catch (e) {
        if (controller.signal.aborted) return null;
        if (e instanceof JobFailedError) {
          setJob(e.job);
          setPhase(e.job.status === 'canceled' ? 'canceled' : 'failed');
        } else {
          setPhase('failed');
        }
        setError(e instanceof PitchreelError ? e : new PitchreelError('client_error', String((e as Error)?.message ?? e), 0));
        return null;
      }
    },
    [client],
  );

  const cancel = useCallback(async () => {
    if (job && (job.status === 'queued' || job.status === 'running')) await client.cancelJob(job.id);
  }, [client, job]);

  const reset = useCallback(() => {
    follow.current?.abort();
    setPhase('idle');
    setJob(null);
    setError(null);
  }, []);

  const percent = phase === 'succeeded' ? 100 : Math.round((job?.progress ?? 0) * 100);
  return { phase, job, video: job?.video ?? null, percent, stage: job?.stage ?? null, error, start, cancel, reset };
}
