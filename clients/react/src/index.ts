// @pitchreel/react: ProductVideoGenerator (the seed's drop-in component) and useVideoJob.
export { ProductVideoGenerator } from './ProductVideoGenerator.js';
export type { ProductVideoGeneratorProps } from './ProductVideoGenerator.js';
export { useClient, useVideoJob } from './useVideoJob.js';
export type { VideoJobOptions, VideoJobPhase, VideoJobState } from './useVideoJob.js';
export { fieldFor } from './fieldErrors.js';
export type { Field } from './fieldErrors.js';
