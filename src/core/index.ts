/**
 * `httpcache/core`: the sans-I/O RFC 9111 policy, for building a cache of your own. Every
 * function is pure: plain data in, a decision out, the clock passed in.
 *
 * @module
 */

export { type CacheControl, parseCacheControl } from './cache-control.ts';
export {
  appendCacheStatus,
  type CacheStatusEntry,
  formatCacheStatus,
  parseCacheStatus,
} from './cache-status.ts';
export {
  type DecisionInput,
  decide,
  type ForwardReason,
  isOnlyIfCached,
  mustRevalidate,
  type RequestDecision,
  requestCacheControl,
  staleAllowed,
} from './decision.ts';
export {
  declaredLength,
  freshen,
  type NewEntry,
  type NewEntryInput,
  newEntry,
  retentionEnd,
  STALE_RETENTION,
  servableBy,
} from './entry.ts';
export {
  type Freshening,
  type FresheningInput,
  type FresheningPlan,
  planFreshening,
} from './freshening.ts';
export {
  type AssignedLifetimes,
  currentAge,
  DEFAULT_HEURISTICS,
  dateOf,
  explicitLifetime,
  type Freshness,
  freshness,
  freshnessUnder,
  heuristicLifetime,
  implicitLifetime,
  isFresh,
  ttlOf,
} from './freshness.ts';
export {
  hasPragmaNoCache,
  parseAge,
  parseEntityTags,
  parseVary,
  splitList,
  weakEtagMatch,
} from './header-values.ts';
export { getHeader, noHeaders, pairsReader } from './headers.ts';
export { formatHttpDate, parseHttpDate } from './http-date.ts';
export { invalidatedUrls } from './invalidation.ts';
export { defaultKey, normalizeUrl } from './key.ts';
export {
  answerFromParts,
  asPart,
  type Combination,
  combine,
  continuesPart,
  isPart,
  type PartRange,
  type PartsAnswer,
  parseContentRange,
  partRange,
  partVariant,
  type Segment,
  strongValidator,
  wholeVariant,
  withRange,
} from './partial.ts';
export { answerRange, type RangeAnswer } from './range.ts';
export {
  decideResponse,
  type ForwardState,
  type OriginHead,
  type OriginOutcome,
  type ResponseDecision,
  type ResponseDecisionInput,
  type Storing,
} from './response-decision.ts';
export { canServeStaleOnError, STALE_IF_ERROR_STATUSES, staleIfErrorWindow } from './stale.ts';
export {
  HEURISTICALLY_CACHEABLE,
  isFinalStatus,
  isNonErrorStatus,
  SAFE_METHODS,
  UNDERSTOOD_STATUSES,
} from './status-codes.ts';
export {
  hasValidator,
  requestWantsNoCache,
  type Storability,
  type StorabilityInput,
  storability,
  type UnstorableReason,
} from './storable.ts';
export {
  headersToStore,
  NOT_UPDATED_FIELDS,
  UNSTORED_FIELDS,
  updateHeaders,
} from './stored-headers.ts';
export {
  parseTargetedCacheControl,
  type ResponseDirectives,
  responseDirectives,
} from './targeted.ts';
export type {
  CacheMode,
  HeaderPairs,
  HeaderReader,
  HeuristicOptions,
  PolicyOptions,
  RequestControls,
  RequestHead,
  StoredResponse,
} from './types.ts';
export {
  CONDITIONAL_FIELDS,
  conditionalHeaders,
  isConditional,
  responsesToUpdate,
  satisfiesConditional,
} from './validation.ts';
export {
  matchesVariant,
  newestFirst,
  normalizeFieldValue,
  selectVariants,
  variantId,
  varyValues,
} from './vary.ts';
export {
  DEFAULT_VARY_NORMALIZERS,
  firstChoiceIs,
  normalizeWith,
  type VaryNormalizer,
  type VaryNormalizers,
} from './vary-normalizers.ts';
