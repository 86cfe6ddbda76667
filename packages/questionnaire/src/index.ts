/**
 * @winback/questionnaire — branching questionnaires for retention and callback work: definitions
 * checked before publishing, an incremental runtime, resumable calls, server-side validation and
 * statistics across versions. Standalone: its only dependency is zod.
 *
 * @packageDocumentation
 */

// Errors
export { ValidationError, ExpressionSyntaxError, ResumeTokenError, type ValidationIssue } from "./Errors"

// Definitions
export {
  QuestionnaireDefinition,
  type QuestionnaireDefinitionInput,
  Question,
  type QuestionType,
  QuestionId,
  Choice,
  Jump,
  Section,
  ContextField,
  LocalizedText,
  parseDefinition,
  definitionConditions,
  localize,
  type ConditionSite
} from "./Questionnaire"

// The expression language
export {
  ExpressionNode,
  Condition,
  parseExpression,
  toExpression,
  formatExpression,
  formatLiteral,
  evaluateExpression,
  expressionReferences,
  RESERVED_WORDS,
  type LiteralValue,
  type CompareOperator,
  type ExpressionFunction,
  type ExpressionValue,
  type ExpressionEnvironment
} from "./Expression"

// Static analysis
export { analyze, type AnalysisReport, type AnalysisOptions, type Finding, type FindingCode, type PathSpace, type TestCase } from "./Analysis"

// Publishing
export { publish, loadPublished, contentHash, type PublishedQuestionnaire, type PublishOptions } from "./Publish"

// Runtime
export {
  start,
  answer,
  next,
  back,
  goTo,
  finish,
  explain,
  trace,
  questionText,
  questionTexts,
  responseOf,
  QuestionnaireState,
  AnswerValue,
  AnswerMeta,
  SubmittedResponse,
  type AnswerLogEntry,
  type StateChanges,
  type Explanation
} from "./Runtime"

// Resume and hand-off
export { resumeToken, resume, resumeTokenVersion } from "./ResumeToken"

// Server-side validation
export { validateResponse, type ResponseValidation } from "./Validation"

// Statistics
export {
  questionnaireStatistics,
  StoredResponse,
  type QuestionnaireStatistics,
  type QuestionStatistics,
  type ChoiceCount,
  type NumericSummary,
  type StatisticsOptions
} from "./Statistics"

// Preview
export { outline, type OutlineOptions } from "./Outline"

// Import
export {
  importSurveyJs,
  type SurveyJsImportOptions,
  type SurveyJsImportResult,
  type SurveyJsStatement,
  type SurveyJsOutcome,
  type SurveyJsTrigger
} from "./SurveyJsImport"

// Standard questionnaires
export { standardQuestionnaires, retentionCallback, satisfactionCallback, newCustomerCallback, complaintFollowUp } from "./StandardQuestionnaires"
