/** Object-level manifest diff engine behind `agent-sandbox-infra diff <base> <head>`. */
export type * from './types';
export { diffDirectories, diffManifests } from './diff';
export { diffExitCode } from './exit-code';
export { loadManifests, parseManifestText, ManifestLoadError } from './load';
export { describeKey, groupOf } from './key';
export { diffFields } from './field-diff';
export { diffLines, toHunks, formatHunks, unifiedDiff } from './line-diff';
export type { Hunk, LineOp } from './line-diff';
export { redactPair, isSensitiveName, isSensitiveString, REDACTED, REDACTED_CHANGED } from './redact';
export type { RedactedPair } from './redact';
export { renderMarkdown } from './render-markdown';
export type { MarkdownOptions } from './render-markdown';
export { renderText } from './render-text';
export type { TextOptions } from './render-text';
