export { answerOffer, assignManually, setAgentStatus, setRequestedPriority } from './actions.ts';
export {
  type AgentView,
  createSlaPolicy,
  createTeam,
  deleteSlaPolicy,
  deleteTeam,
  getAgentView,
  listAgentViews,
  listTeamViews,
  type ProfilePatch,
  type TeamInput,
  type TeamPatch,
  type TeamView,
  updateAgentProfile,
  updateTeam,
} from './config-store.ts';
export { Dispatcher, type DispatcherOptions, type DispatchResult } from './dispatch.ts';
export { type SweepResult, sweep } from './lifecycle.ts';
export { mergePatch, type SchedulePatch } from './merge-patch.ts';
export { type DescribedConversation, type PreviewRules, previewDecision } from './preview.ts';
export {
  discardDraft,
  getDraft,
  getPublished,
  getVersion,
  listVersions,
  publish,
  type RuleSetDraft,
  type RuleSetVersion,
  saveDraft,
  validateRuleSet,
} from './rulesets.ts';
export {
  emptyRuleSet,
  loadAgents,
  loadPolicies,
  loadPublishedRuleSet,
  loadSnapshot,
  loadTeams,
  type Snapshot,
  type TeamRouting,
} from './snapshot.ts';
export { ROUTING_TIMER_TASK, scheduleTimer } from './timers.ts';
