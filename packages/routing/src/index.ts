export { compactExplanation, type DecideOptions, decide } from './decide.ts';
export { conditionContext, fold, VOCABULARY } from './expressions.ts';
export { customerTimezone, DEFAULT_LANGUAGES, detectLanguage, isCountryCode, type TimezoneSource } from './locale.ts';
export {
  type CompiledRuleSet,
  type CompileOutcome,
  compileRuleSet,
  type Rule,
  type RuleIssue,
  type RuleSet,
  type RuleSetDocument,
  ruleSetSchema,
  type TeamInfo,
} from './rules.ts';
export {
  addBusinessMinutes,
  CompiledSchedule,
  isValidTimezone,
  LocalClock,
  type LocalTime,
  localTime,
  type Schedule,
  scheduleSchema,
  WEEKDAYS,
} from './schedule.ts';
export { DEFAULT_TARGET_MINUTES, pickSlaPolicy, queueKey, type SlaPolicy, type SlaPolicyInput, slaDueAt, slaPolicySchema } from './sla.ts';
export type * from './types.ts';
