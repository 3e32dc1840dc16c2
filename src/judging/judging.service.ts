// The judging domain as other domains, routes and pages reach it; each job has its own file.
export {
  isAssignedJudge,
  judgeQueue,
  judgeSheet,
  publishedSheets,
  saveScore,
  submittedSheets,
  type QueueItem,
  type SheetJson,
} from "./scoring.service.js";
export { submittedSheetsText } from "./sheets.service.js";
export { acceptDeclaration, declareConflict, hasDeclared } from "./declarations.service.js";
export {
  autoAssign,
  type AutoAssignOptions,
  type AutoAssignResult,
  type BlockedEntry,
  type ShortEntry,
} from "./auto-assign.service.js";
export {
  addAssignment,
  getPool,
  listAssignments,
  reassignJudge,
  removeAssignment,
  setPool,
  swapAssignment,
  type AssignmentJson,
} from "./pools.service.js";
export { progress, scoreHistory, sheetsRequired, type Progress } from "./progress.service.js";
export { orderRescore, rescoreCandidates, rescoreStatus } from "./rescore.service.js";
export { settingsOf, type Advancement, type RoundSettings } from "./round-settings.js";
export {
  currentRound,
  finalistsOf,
  listRounds,
  openFinalRound,
  publishFinalists,
  publishedFinalistLists,
  roundByNumber,
  rankableRoundEntries,
  roundEntries,
  withCurrentRound,
  withCurrentRounds,
  type NewRoundSettings,
} from "./rounds.service.js";
export type { RoundRow } from "./judging.queries.js";
