/**
 * SCIM PATCH (RFC 7644 §3.5.2), one concern per file under ./patch/: the PatchOp
 * message, paths and value filters, then the add, replace and remove operations.
 */
export { parsePatchRequest, type PatchOperation } from './patch/operation.js';
export { parsePath } from './patch/path.js';
export { equalities, matches } from './patch/value-filter.js';
export { ResourcePatcher } from './patch/patcher.js';
