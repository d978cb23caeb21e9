export { parityCases, BETA_FORMS, METHODS, type BetaForm, type CaseOptions, type DataKind, type ParityCase } from './cases.js';
export { runParityCase, compare, caseInputs, casePlan, betaShape, TOLERANCE, type CaseResult } from './runner.js';
export { rng, hashString } from './rng.js';
export { runParitySubset, RESULT_MARKER, type SubsetResult } from './runtime.js';
export { fuzzBadInputs, hostile, CALL_MS, MESSAGE_MAX, type FuzzOptions, type FuzzReport } from './bad-inputs.js';
