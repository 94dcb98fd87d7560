export {
  type BucketKeyKind,
  type BucketSeries,
  bucketKeys,
  bucketStart,
  DEFAULT_DETECTOR_TUNING,
  type DetectorTuning,
  detectSpike,
  type IncidentProposal,
} from './detector.ts';
export { foldText } from './fold.ts';
export {
  DEFAULT_MATCH_TUNING,
  type IncidentCriteria,
  type MatchFacts,
  type MatchResult,
  type MatchTuning,
  matchIncident,
  type ServiceLabel,
} from './match.ts';
export { placesIn, regionCovers } from './places.ts';
